// What every shipped strategy shares at the C boundary: the tag builder (the same tags for
// all of them, so that their answers compare node by node), option checking, and the entry
// point; a strategy supplies only its node decisions.
#ifndef MODELEXPORT_PLUGINS_COMMON_STRATEGY_H
#define MODELEXPORT_PLUGINS_COMMON_STRATEGY_H

#include <modelexport/plugin.h>

#include <map>
#include <string>
#include <vector>

#include "boundary.h"
#include "graph_links.h"
#include "module_tree.h"
#include "propagate.h"

namespace mxp {

using OptionMap = std::map<std::string, std::string>;

struct Strategy {
  // Option keys this strategy knows besides `hidden_classes` (which every one knows).
  std::vector<std::string> option_keys;
  // Decides every node; throws StatusError or PluginError.
  NodeTags (*decide)(const mx_host_api_t* host, const mx_graph_t* graph, const GraphLinks& links,
                     const ModuleTree& tree, const OptionMap& options);
};

mx_status_t* tag_modules(const Strategy& s, const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                         int64_t option_count) noexcept;
mx_status_t* tag_nodes(const Strategy& s, const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                       int64_t option_count) noexcept;

}  // namespace mxp

// Defines the plugin's descriptor and its one exported symbol for `strategy` (an
// mxp::Strategy). Use once, at namespace scope, in the plugin's main file.
#define MXP_DEFINE_PLUGIN(NAME, VERSION, STRATEGY)                                                               \
  extern "C" {                                                                                                   \
  static mx_status_t* mxp_tag_modules(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,  \
                                      int64_t count) noexcept {                                                  \
    return mxp::tag_modules(STRATEGY, host, graph, options, count);                                              \
  }                                                                                                              \
  static mx_status_t* mxp_tag_nodes(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,    \
                                    int64_t count) noexcept {                                                    \
    return mxp::tag_nodes(STRATEGY, host, graph, options, count);                                                \
  }                                                                                                              \
  static const mx_plugin_t mxp_plugin = {                                                                        \
      sizeof(mx_plugin_t), MX_ABI_MAJOR, MX_ABI_MINOR, NAME, VERSION, &mxp_tag_modules, &mxp_tag_nodes, nullptr, \
  };                                                                                                             \
  MX_EXPORT const mx_plugin_t* modelexport_plugin_entry(const mx_host_api_t* host) noexcept {                    \
    return mxp::host_is_usable(host) ? &mxp_plugin : nullptr;                                                    \
  }                                                                                                              \
  }

#endif
