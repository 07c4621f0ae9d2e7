// See external_options.h.
#include "external_options.h"

#include <cctype>
#include <limits>

#include "base/error.h"

namespace po = boost::program_options;

namespace mx::cli {

void ExternalOptions::add_to(po::options_description& desc) {
  // clang-format off
  desc.add_options()
      ("external-data", po::value(&mode_)->default_value("auto"),
       "weights in a data file OUT.onnx.data beside the model: auto (when the model would not fit in one "
       "protobuf, 2 GiB), always, never")
      ("external-data-threshold", po::value(&threshold_)->default_value("1024"),
       "tensors smaller than this many bytes stay inline (e.g. 4096, 64K, 1M)");
  // clang-format on
}

void ExternalOptions::apply() {
  if (mode_ == "auto")
    o_.mode = ExternalDataOptions::Mode::Auto;
  else if (mode_ == "always")
    o_.mode = ExternalDataOptions::Mode::Always;
  else if (mode_ == "never")
    o_.mode = ExternalDataOptions::Mode::Never;
  else
    throw Error("--external-data must be auto, always or never, not '" + mode_ + "'");
  o_.threshold = parse_byte_size(threshold_, "--external-data-threshold");
}

uint64_t parse_byte_size(const std::string& text, const std::string& option) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  int shift = -1;
  if (unit.empty() || unit == "B") shift = 0;
  if (unit == "K" || unit == "KiB") shift = 10;
  if (unit == "M" || unit == "MiB") shift = 20;
  if (unit == "G" || unit == "GiB") shift = 30;
  if (digits == 0 || digits > 12 || shift < 0)
    throw Error(option + " takes a size in bytes such as 4096, 64K or 1M, not '" + text + "'");
  return std::stoull(text.substr(0, digits)) << shift;
}

}  // namespace mx::cli
