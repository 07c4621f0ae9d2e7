// Glob queries over the module tree, and the counts behind `modelexport tags stats`.
#include "tags/tag_query.h"

#include <fnmatch.h>

#include <algorithm>
#include <set>

#include "tags/sidecar.pb.h"

namespace mx {

std::vector<int> query_modules(const TaggedModel& t, const std::string& pattern) {
  auto match = [&](const std::string& s) { return fnmatch(pattern.c_str(), s.c_str(), 0) == 0; };
  std::vector<int> out;
  if (t.modules.empty()) return out;
  for (int m : t.subtree(0)) {
    const auto& mod = t.modules[m];
    bool other_name = std::any_of(mod.other_paths.begin(), mod.other_paths.end(), match);
    if (match(mod.path) || other_name || match(mod.class_name) || (!mod.hidden(t.modules) && match(mod.tag)))
      out.push_back(m);
  }
  return out;
}

TagStats tag_stats(const TaggedModel& t) {
  TagStats s;
  s.nodes = static_cast<int>(t.nodes.size());
  s.modules = static_cast<int>(t.modules.size());
  if (t.sidecar) s.strategy = t.sidecar->strategy();
  std::set<std::string> tags;
  for (const auto& n : t.nodes) {
    s.op_types[n.op_type]++;
    if (!n.has_tag) continue;
    s.tagged++;
    tags.insert(n.tag);
    s.decisions[n.decision.empty() ? "(none)" : n.decision]++;
    s.max_depth = std::max(s.max_depth, static_cast<int>(std::count(n.tag.begin(), n.tag.end(), '/')));
  }
  s.distinct_tags = static_cast<int>(tags.size());
  for (size_t m = 0; m < t.modules.size(); ++m) {
    if (t.modules[m].total_nodes > 0) s.modules_with_nodes++;
    if (t.modules[m].direct_nodes > 0) s.largest.emplace_back(static_cast<int>(m), t.modules[m].direct_nodes);
  }
  std::stable_sort(s.largest.begin(), s.largest.end(), [](auto a, auto b) { return a.second > b.second; });
  if (s.largest.size() > 10) s.largest.resize(10);
  return s;
}

}  // namespace mx
