// Clean-up passes over a converted model, run before tagging: BatchNormalization folded into
// the Conv before it, and nodes whose results nobody uses removed. Provenance stays exact: a
// folded node's work now happens in the node it folded into, which keeps its own origin.
#pragma once

#include <string>
#include <vector>

#include "convert/onnx_graph.h"

namespace mx {

// Folds every eval-mode BatchNormalization whose input is a float32 Conv used by nothing
// else, with constant weights and statistics. Returns what was folded (also appended to
// model.folded).
std::vector<FoldNote> fold_batchnorm(ConvertedModel& model);

// Removes nodes none of whose outputs is used or a graph output, and initializers no node
// uses. Returns the number of nodes removed.
int remove_dead_nodes(ConvertedModel& model);

}  // namespace mx
