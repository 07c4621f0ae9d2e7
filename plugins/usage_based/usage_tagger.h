// The usage_based tagger: one module and decision per ONNX node, without the trace.
#ifndef MODELEXPORT_PLUGINS_USAGE_BASED_USAGE_TAGGER_H
#define MODELEXPORT_PLUGINS_USAGE_BASED_USAGE_TAGGER_H

#include "strategy.h"

namespace usage_based {

// 1. A node that reads a parameter or buffer: the module owning it (direct; parent, the
//    closest common ancestor, if it reads those of several modules).
// 2. The rest, from graph context (see mxp::decide_from_context), producers first (data
//    flows out of the module that used the weights) unless a manifest declares the op type
//    otherwise.
mxp::NodeTags decide_nodes(const mx_host_api_t* host, const mx_graph_t* graph, const mxp::GraphLinks& links,
                           const mxp::ModuleTree& tree, const mxp::OptionMap& options);

}  // namespace usage_based

#endif
