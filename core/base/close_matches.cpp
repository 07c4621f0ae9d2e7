// Close matches by Levenshtein distance, with a bonus for names that contain the query
// (a user who types "layer3" wants "layer3.0" too).
#include "base/close_matches.h"

#include <algorithm>
#include <set>
#include <utility>

namespace mx {
namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> close_matches(const std::string& wanted, const std::vector<std::string>& known,
                                       std::size_t limit) {
  const std::size_t allowed = std::max<std::size_t>(2, wanted.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  std::set<std::string> seen;
  for (const auto& name : known) {
    if (!seen.insert(name).second) continue;
    std::size_t d = edit_distance(wanted, name);
    if (!wanted.empty() && name.find(wanted) != std::string::npos) d = std::min(d, allowed);
    if (d <= allowed) scored.emplace_back(d, name);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

std::string close_matches_hint(const std::string& wanted, const std::vector<std::string>& known) {
  auto matches = close_matches(wanted, known);
  if (matches.empty()) return "";
  std::string out = "; close matches: ";
  for (std::size_t i = 0; i < matches.size(); ++i) out += (i ? ", " : "") + matches[i];
  return out;
}

}  // namespace mx
