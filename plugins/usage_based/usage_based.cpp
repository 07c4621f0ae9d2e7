// usage_based: tags the nodes that read a module's parameters or buffers with that module,
// then spreads tags along the graph to the rest. Same tags and decision kinds as htp (the
// shared tag builder), so `modelexport compare` can set them side by side.
#include <modelexport/plugin.h>

#include "strategy.h"
#include "usage_tagger.h"

namespace {

const mxp::Strategy kUsageBased{{}, &usage_based::decide_nodes};

}  // namespace

MXP_DEFINE_PLUGIN("usage_based", "0.1.0", kUsageBased)
