// The htp tagger: one module and decision per ONNX node.
#ifndef MODELEXPORT_PLUGINS_HTP_NODE_TAGGER_H
#define MODELEXPORT_PLUGINS_HTP_NODE_TAGGER_H

#include "strategy.h"

namespace htp {

// 1. A node made by a traced op: the innermost module of that op's call stack (direct if it
//    computes the op, trace if it is a helper the converter added).
// 2. Another node whose outputs carry traced values: the module whose code computed them
//    (trace; parent if several modules did).
// 3. The rest, from graph context (see mxp::decide_from_context), consumers first unless a
//    manifest declares the op type otherwise.
mxp::NodeTags decide_nodes(const mx_host_api_t* host, const mx_graph_t* graph, const mxp::GraphLinks& links,
                           const mxp::ModuleTree& tree, const mxp::OptionMap& options);

}  // namespace htp

#endif
