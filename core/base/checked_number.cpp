// Decimal integers through std::from_chars, which reports overflow instead of throwing.
#include "base/checked_number.h"

#include <charconv>

#include "base/error.h"

namespace mx {

std::string int64_problem(const std::string& text, int64_t lo, int64_t hi) {
  size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  if (text.size() == start || text.find_first_not_of("0123456789", start) != std::string::npos)
    return "is not a whole number";
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range || end != text.data() + text.size() || value < lo || value > hi)
    return "is out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")";
  return "";
}

std::optional<int64_t> to_int64(const std::string& text, int64_t lo, int64_t hi) {
  if (!int64_problem(text, lo, hi).empty()) return std::nullopt;
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

int64_t parse_int64(const std::string& text, const std::string& what, int64_t lo, int64_t hi) {
  std::string problem = int64_problem(text, lo, hi);
  if (!problem.empty()) throw Error(what + " '" + text + "' " + problem);
  return *to_int64(text, lo, hi);
}

}  // namespace mx
