// htp: Hierarchical Trace-and-Project tagging strategy.
//
// Tag builder (shared, plugins/common/tag_builder.h): "/" + root class + one segment per
// visible module level; classes in the `hidden_classes` option add no segment.
// Tagger: a node made by a traced op gets the innermost module of its call stack; a node
// whose outputs the trace computed gets the module whose code computed them; any other
// inherits from graph context (see node_tagger.h).
#include <modelexport/plugin.h>

#include "node_tagger.h"
#include "strategy.h"

namespace {

const mxp::Strategy kHtp{{}, &htp::decide_nodes};

}  // namespace

MXP_DEFINE_PLUGIN("htp", "0.2.0", kHtp)
