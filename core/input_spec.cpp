// Parses --input NAME:DTYPE:DIMS.
#include "input_spec.h"

#include <boost/algorithm/string.hpp>

#include "error.h"

namespace mx {
InputSpec parse_input_spec(const std::string& text) {
  std::vector<std::string> parts;
  boost::split(parts, text, boost::is_any_of(":"));
  auto fail = [&](const std::string& why) {
    return Error("bad --input '" + text + "': " + why + " (expected NAME:DTYPE:DIMS, e.g. x:float32:1x3x224x224)");
  };
  if (parts.size() != 3) throw fail("it has " + std::to_string(parts.size()) + " ':'-separated parts, not 3");
  InputSpec spec;
  spec.name = parts[0];
  if (spec.name.empty()) throw fail("the name is empty");
  spec.dtype = dtype_from_name(parts[1]);
  if (spec.dtype == DType::Undefined)
    throw fail("unknown dtype '" + parts[1] +
               "' (known: float32, float16, float64, bfloat16, int64, int32, int16, int8, uint8, bool)");
  if (parts[2].empty()) return spec;  // a 0-d tensor
  std::vector<std::string> dims;
  boost::split(dims, parts[2], boost::is_any_of("x"));
  for (const auto& d : dims) {
    if (d.empty() || d.find_first_not_of("0123456789") != std::string::npos)
      throw fail("dimension '" + d + "' is not a non-negative whole number");
    spec.dims.push_back(std::stoll(d));
  }
  return spec;
}

}  // namespace mx
