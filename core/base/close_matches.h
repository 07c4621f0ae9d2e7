// Suggestions for a name the user mistyped: the known names closest to it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mx {

// Up to `limit` of `known` that are close to `wanted` (small edit distance, or containing
// it), closest first; empty if none is close.
std::vector<std::string> close_matches(const std::string& wanted, const std::vector<std::string>& known,
                                       std::size_t limit = 5);

// "; close matches: a, b" or "" (for the end of an error message).
std::string close_matches_hint(const std::string& wanted, const std::vector<std::string>& known);

}  // namespace mx
