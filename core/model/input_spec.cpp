// Parses --input NAME:DTYPE:DIMS[:LOW..HIGH] and --arg NAME=VALUE.
#include "model/input_spec.h"

#include <boost/algorithm/string.hpp>

#include <unistd.h>

#include <limits>

#include "base/checked_number.h"
#include "base/error.h"

namespace mx {
namespace {

// The values an integer dtype holds (bool: 0 and 1).
std::pair<int64_t, int64_t> dtype_range(DType t) {
  switch (t) {
    case DType::Bool: return {0, 1};
    case DType::UInt8: return {0, 255};
    case DType::Int8: return {-128, 127};
    case DType::Int16: return {INT16_MIN, INT16_MAX};
    case DType::Int32: return {INT32_MIN, INT32_MAX};
    default: return {INT64_MIN, INT64_MAX};
  }
}

std::string human_bytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

// An example input must fit in memory: refused here with its size, before LibTorch tries
// (and fails with a page of backtrace).
void check_input_bytes(const InputSpec& spec, const std::string& text) {
  const size_t item = dtype_size(spec.dtype);
  const size_t memory = static_cast<size_t>(::sysconf(_SC_PHYS_PAGES)) * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t bytes = item;
  bool overflow = false;
  for (int64_t d : spec.dims) {
    if (d != 0 && bytes > std::numeric_limits<size_t>::max() / static_cast<size_t>(d)) overflow = true;
    bytes = overflow ? bytes : bytes * static_cast<size_t>(d);
    if (d == 0) return;
  }
  if (overflow)
    throw Error("bad --input '" + text + "': input '" + spec.name + "' would need more than 2^64 bytes (" +
                std::to_string(item) + " per element)");
  if (bytes > memory)
    throw Error("bad --input '" + text + "': input '" + spec.name + "' needs " + std::to_string(bytes) + " bytes (" +
                human_bytes(static_cast<double>(bytes)) + "), more than this machine's " +
                human_bytes(static_cast<double>(memory)) + " of memory");
}

}  // namespace
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
    std::string lo = parts[3].substr(0, dots), hi = dots == std::string::npos ? "" : parts[3].substr(dots + 2);
    const auto range = dtype_range(spec.dtype);  // not a structured binding: lambdas capture it
    const int64_t min = range.first, max = range.second;
    auto bound = [&](const std::string& n) {
      std::string problem = int64_problem(n, min, max);
      if (!problem.empty() && int64_problem(n).empty())
        throw fail("bound '" + n + "' of range '" + parts[3] + "' is outside what " + parts[1] + " holds (" +
                   std::to_string(min) + " to " + std::to_string(max) + ")");
      return to_int64(n);
    };
    auto low = bound(lo), high = bound(hi);
    if (dots == std::string::npos || !low || !high) throw fail("range '" + parts[3] + "' is not LOW..HIGH");
    spec.low = *low;
    spec.high = *high;
    if (spec.low > spec.high) throw fail("range '" + parts[3] + "' is empty");
    // Values are drawn from [low, high + 1): high + 1 and the count must fit in int64.
    if (spec.high == INT64_MAX ||
        static_cast<uint64_t>(spec.high) - static_cast<uint64_t>(spec.low) >= static_cast<uint64_t>(INT64_MAX))
      throw fail("range '" + parts[3] + "' has more values than an int64 can count (HIGH below 2^63 - 1, " +
                 "HIGH - LOW below 2^63 - 1)");
  }
  if (parts[2].empty()) return spec;  // a 0-d tensor
  std::vector<std::string> dims;
  boost::split(dims, parts[2], boost::is_any_of("x"));
  for (const auto& d : dims) {
    if (d.empty() || d.find_first_not_of("0123456789") != std::string::npos)
      throw fail("dimension '" + d + "' is not a non-negative whole number");
    auto value = to_int64(d);
    if (!value) throw fail("dimension '" + d + "' is too large");
    spec.dims.push_back(*value);
  }
  check_input_bytes(spec, text);
  return spec;
}

ArgSpec parse_arg_spec(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("bad --arg '" + text + "': expected NAME=VALUE (e.g. n=3, scale=0.5, causal=true, mode=nearest)");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace mx
