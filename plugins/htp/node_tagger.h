// The htp tagger: one module and decision per ONNX node.
#ifndef MODELEXPORT_PLUGINS_HTP_NODE_TAGGER_H
#define MODELEXPORT_PLUGINS_HTP_NODE_TAGGER_H

#include "common.h"

#include <cstdint>
#include <vector>

namespace htp {

struct NodeTags {
  std::vector<int64_t> module;    // a visible module per node
  std::vector<int32_t> decision;  // MX_DECISION_* per node
};

// Reads the graph through the host and decides every node; throws StatusError.
// Traced nodes: their innermost module call. Others: the modules of the traced nodes
// reachable through their consumers (through untraced nodes), else through their
// producers, else the root. O(nodes + edges) host calls and work (times the tree depth).
NodeTags decide_nodes(const mx_host_api_t* host, const mx_graph_t* graph, const ModuleTree& tree);

}  // namespace htp

#endif
