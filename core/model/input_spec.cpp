// Parses --input NAME:DTYPE:DIMS[:LOW..HIGH].
#include "model/input_spec.h"

#include <boost/algorithm/string.hpp>

#include "base/error.h"

namespace mx {
InputSpec parse_input_spec(const std::string& text) {
  std::vector<std::string> parts;
  boost::split(parts, text, boost::is_any_of(":"));
  auto fail = [&](const std::string& why) {
    return Error("bad --input '" + text + "': " + why +
                 " (expected NAME:DTYPE:DIMS[:LOW..HIGH], e.g. x:float32:1x3x224x224 or ids:int64:1x16:0..99)");
  };
  if (parts.size() != 3 && parts.size() != 4)
    throw fail("it has " + std::to_string(parts.size()) + " ':'-separated parts, not 3 or 4");
  InputSpec spec;
  spec.name = parts[0];
  if (spec.name.empty()) throw fail("the name is empty");
  spec.dtype = dtype_from_name(parts[1]);
  if (spec.dtype == DType::Undefined)
    throw fail("unknown dtype '" + parts[1] +
               "' (known: float32, float16, float64, bfloat16, int64, int32, int16, int8, uint8, bool)");
  if (parts.size() == 4) {
    bool integral = spec.dtype != DType::Float && spec.dtype != DType::Float16 && spec.dtype != DType::Double &&
                    spec.dtype != DType::BFloat16;
    if (!integral) throw fail("a value range is for integer and bool inputs only");
    auto dots = parts[3].find("..");
    auto is_int = [](const std::string& n) {
      size_t start = !n.empty() && n[0] == '-' ? 1 : 0;
      return n.size() > start && n.find_first_not_of("0123456789", start) == std::string::npos;
    };
    std::string lo = parts[3].substr(0, dots), hi = dots == std::string::npos ? "" : parts[3].substr(dots + 2);
    if (dots == std::string::npos || !is_int(lo) || !is_int(hi)) throw fail("range '" + parts[3] + "' is not LOW..HIGH");
    spec.low = std::stoll(lo);
    spec.high = std::stoll(hi);
    if (spec.low > spec.high) throw fail("range '" + parts[3] + "' is empty");
  }
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
