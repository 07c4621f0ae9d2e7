// Whole numbers read from a flag or a file, with a message that names where the text came
// from and why it is not a number we can use (instead of std::stoll's "stoll").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mx {

// The value of `text` if it is a decimal integer (an optional '-', then digits only) in
// [lo, hi]; else nullopt.
std::optional<int64_t> to_int64(const std::string& text, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX);

// The same, throwing mx::Error "WHAT 'TEXT' is not a whole number" or "... is out of range
// (LO to HI)"; `what` names the flag or file and the field ("--opset", "dimension").
int64_t parse_int64(const std::string& text, const std::string& what, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX);

// Why `text` is no integer in [lo, hi] ("" if it is one): for callers with their own error type.
std::string int64_problem(const std::string& text, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX);

}  // namespace mx
