// Questions asked of a tagged model: which modules match a pattern, and overall counts.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tags/tagged_model.h"

namespace mx {

// Modules whose tag, dotted path (or another path of the same module object) or class name
// matches the shell glob `pattern`
// (fnmatch: '*' also crosses '/' and '.'), in tree order. Hidden modules (ModuleList)
// match by path and class only, since their tag is their parent's.
std::vector<int> query_modules(const TaggedModel& model, const std::string& pattern);

struct TagStats {
  int nodes = 0, tagged = 0, distinct_tags = 0, modules = 0, modules_with_nodes = 0, max_depth = 0;
  std::string strategy;  // from the sidecar, "" without one
  std::map<std::string, int> decisions, op_types;
  std::vector<std::pair<int, int>> largest;  // (module, direct nodes), most first, up to 10
};

TagStats tag_stats(const TaggedModel& model);

}  // namespace mx
