// Tags from the module tree: class-name segments, ".N" for list items, ".attr" where
// visible siblings share a class; hidden modules take their visible parent's tag.
#include "tag_builder.h"

#include <map>
#include <set>
#include <unordered_set>

namespace mxp {

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Segments of the visible children of one visible module (lifted through hidden ones).
// rel[m] is m's dotted path relative to its visible parent ("layer.0" under a hidden list).
void segment_group(const ModuleTree& t, const std::vector<int64_t>& group, const std::vector<std::string>& rel,
                   std::vector<std::string>& segment) {
  std::map<std::string, std::vector<int64_t>> by_class;
  for (int64_t m : group) by_class[t.class_name[m]].push_back(m);
  for (const auto& entry : by_class) {
    const std::vector<int64_t>& members = entry.second;
    // Suffix: list index, or the attribute when siblings share the class.
    std::vector<std::string> suffix;
    std::set<std::string> seen;
    bool clash = false;
    for (int64_t m : members) {
      const std::string& attr = t.attr[m];
      suffix.push_back(members.size() > 1 || all_digits(attr) ? attr : std::string());
      if (!seen.insert(suffix.back()).second) clash = true;
    }
    // Lifted children of different hidden containers clash ("0" twice): use the relative
    // path for the whole class so its members stay uniformly named.
    for (std::size_t k = 0; k < members.size(); ++k) {
      const std::string& s = clash ? rel[members[k]] : suffix[k];
      segment[members[k]] = s.empty() ? entry.first : entry.first + "." + s;
    }
  }
}

}  // namespace

std::vector<std::string> build_module_tags(const ModuleTree& t) {
  const int64_t n = t.size();
  std::vector<std::string> rel(n);
  for (int64_t m : t.order) {  // parents first
    if (m == 0) continue;
    const int64_t p = t.parent[m];
    rel[m] = (t.visible[p] == p) ? t.attr[m] : rel[p] + "." + t.attr[m];
  }
  std::vector<std::vector<int64_t>> groups(n);  // visible parent -> visible children
  for (int64_t m = 1; m < n; ++m)
    if (t.visible[m] == m) groups[t.visible[t.parent[m]]].push_back(m);
  std::vector<std::string> segment(n);
  for (int64_t v = 0; v < n; ++v)
    if (!groups[v].empty()) segment_group(t, groups[v], rel, segment);

  std::vector<std::string> tags(n);
  tags[0] = "/" + t.class_name[0];
  std::unordered_set<std::string> used{tags[0]};
  for (int64_t m : t.order) {
    if (m == 0) continue;
    if (t.visible[m] != m) {  // hidden: the tag of its visible parent (already built)
      tags[m] = tags[t.visible[m]];
      continue;
    }
    std::string tag = tags[t.visible[t.parent[m]]] + "/" + segment[m];
    // Last resort for clashes the segment rules cannot see (duplicate attributes, a '/'
    // inside a name): the relative path, then the module index.
    if (used.count(tag) != 0) tag += "." + rel[m];
    while (used.count(tag) != 0) tag += "#" + std::to_string(m);
    used.insert(tag);
    tags[m] = tag;
  }
  return tags;
}

}  // namespace mxp
