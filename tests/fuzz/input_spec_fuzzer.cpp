// libFuzzer target: the text of --input NAME:DTYPE:DIMS[:LOW..HIGH], --dynamic
// NAME:AXIS[:LABEL] and --arg NAME=VALUE, and the checked integer parser under them. Only
// mx::Error may come out.
#include "base/checked_number.h"
#include "model/dynamic_axes.h"
#include "base/error.h"
#include "model/input_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    mx::InputSpec s = mx::parse_input_spec(text);
    mx::resized_inputs({s}, {mx::DynamicAxis{s.name, 0, "d"}});
  } catch (const mx::Error&) {
  }
  try {
    mx::parse_dynamic_axis(text);
  } catch (const mx::Error&) {
  }
  try {
    mx::parse_arg_spec(text);
  } catch (const mx::Error&) {
  }
  mx::to_int64(text);
  return 0;
}
