// Shared helpers of the htp plugin: status propagation, options, the module tree.
#ifndef MODELEXPORT_PLUGINS_HTP_COMMON_H
#define MODELEXPORT_PLUGINS_HTP_COMMON_H

#include <modelexport/plugin.h>

#include <cstdint>
#include <string>
#include <vector>

namespace htp {

// Thrown inside the plugin only; caught at the C boundary and returned as the status.
struct StatusError {
  mx_status_t* status;
};

// Host statuses: a non-NULL status aborts the current plugin call and is returned as is.
inline void check(mx_status_t* status) {
  if (status != nullptr) throw StatusError{status};
}

// Makes a host status with the message and throws it.
[[noreturn]] void fail(const mx_host_api_t* host, int32_t code, const std::string& message);

struct Options {
  // Class names whose modules contribute no tag segment. An entry containing a '.' is
  // compared with the qualified class name, any other with the short class name.
  std::vector<std::string> hidden_classes;
};

// Parses the options shared by tag_modules and tag_nodes; unknown keys are an error.
Options parse_options(const mx_host_api_t* host, const mx_option_t* options, int64_t count);

// The model's module tree, copied from the host (its strings die with the plugin call).
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

// Reads and validates every module (root 0, parent links in range, no cycles).
ModuleTree load_module_tree(const mx_host_api_t* host, const mx_graph_t* graph, const Options& options);

}  // namespace htp

#endif
