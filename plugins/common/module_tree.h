// The model's module tree as the shipped plugins use it, copied from the host (its strings
// die with the plugin call) and validated.
#ifndef MODELEXPORT_PLUGINS_COMMON_MODULE_TREE_H
#define MODELEXPORT_PLUGINS_COMMON_MODULE_TREE_H

#include <modelexport/plugin.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mxp {

struct ModuleTree {
  std::vector<std::string> attr;
  std::vector<std::string> class_name;
  std::vector<int64_t> parent;   // MX_NONE for the root (0)
  std::vector<int64_t> depth;    // root: 0
  std::vector<char> hidden;      // never set for the root
  std::vector<int64_t> visible;  // the module itself if visible, else its nearest visible ancestor
  std::vector<int64_t> order;    // every module, parents before children

  int64_t size() const { return static_cast<int64_t>(parent.size()); }
  // Closest common ancestor (a module is its own ancestor).
  int64_t common_ancestor(int64_t a, int64_t b) const;
};

// Reads every module (root 0, parent links in range, no cycles). Modules whose class is
// in `hidden_classes` contribute no tag segment: an entry with a '.' is compared with the
// qualified class name, any other with the short one.
ModuleTree load_module_tree(const mx_host_api_t* host, const mx_graph_t* graph,
                            const std::vector<std::string>& hidden_classes);

}  // namespace mxp

#endif
