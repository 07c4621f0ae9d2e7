// Deciding nodes from graph context, shared by the shipped taggers: a node without a module
// takes the modules of the decided nodes it reaches through undecided ones, on one side of
// the graph first, then the other, else the root.
#ifndef MODELEXPORT_PLUGINS_COMMON_PROPAGATE_H
#define MODELEXPORT_PLUGINS_COMMON_PROPAGATE_H

#include <modelexport/plugin.h>

#include <cstdint>
#include <vector>

#include "graph_links.h"
#include "module_tree.h"

namespace mxp {

// Modules named for one node from several places: their closest common ancestor, and
// whether they all named the same module.
struct Candidates {
  int64_t module = MX_NONE;
  bool agree = true;
  // Adds one module (MX_NONE: nothing), itself agreed on or not.
  void add(int64_t m, const ModuleTree& tree, bool m_agreed = true);
};

struct NodeTags {
  explicit NodeTags(int64_t nodes) : module(nodes, MX_NONE), decision(nodes, 0) {}
  std::vector<int64_t> module;    // per node; MX_NONE while undecided
  std::vector<int32_t> decision;  // MX_DECISION_* per node
};

// Decides every node still MX_NONE in `tags`. The side looked at first is the one the
// manifests declare for the node's op type (host->auxiliary_inherit), else `default_first`
// (MX_DECISION_CONSUMER or MX_DECISION_PRODUCER). All reached modules agree: that module,
// decided as that side; they differ: their closest common ancestor, decided as parent;
// nothing reached on either side: the root. Modules are mapped to tree.visible.
void decide_from_context(const mx_host_api_t* host, const mx_graph_t* graph, const GraphLinks& links,
                         const ModuleTree& tree, int32_t default_first, NodeTags& tags);

// Hands every node's answer to the host and logs the decision counts (debug level).
void set_node_tags(const mx_host_api_t* host, mx_graph_t* graph, const NodeTags& tags);

}  // namespace mxp

#endif
