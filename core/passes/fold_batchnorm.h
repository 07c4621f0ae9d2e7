// BatchNormalization folding, run before tagging: an eval-mode BatchNormalization folded
// into the Conv before it. Provenance stays exact: a folded node's work now happens in the
// node it folded into, which keeps its own origin.
#pragma once

#include <vector>

#include "convert/converted_model.h"

namespace mx {

// Folds every eval-mode BatchNormalization whose input is a float32 Conv used by nothing
// else, with constant weights and statistics, then removes what became dead. Returns what
// was folded (also appended to model.folded).
std::vector<FoldNote> fold_batchnorm(ConvertedModel& model);

}  // namespace mx
