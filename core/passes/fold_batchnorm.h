// BatchNormalization folding, run before tagging: an eval-mode BatchNormalization folded
// into the Conv before it. Provenance stays exact: a folded node's work now happens in the
// node it folded into, which keeps its own origin.
#pragma once

#include <vector>

#include "convert/converted_model.h"

namespace mx {

// Where the folded Conv weights go. Copy: into new memory; the original bytes keep their
// values (a caller that runs the module again after converting needs them). InPlace: over
// the original bytes, wherever only the folded Conv reads them (no other node, no other
// initializer sharing them); the caller promises that nothing else reads them afterwards
// (the export and compare pipelines: the module is not run after the trace). The model's
// peak memory then does not grow by the folded weights (vgg11_bn: 28 MiB).
enum class FoldWeights { Copy, InPlace };

// Folds every eval-mode BatchNormalization whose input is a float32 Conv used by nothing
// else, with constant weights and statistics, then removes what became dead. Returns what
// was folded (also appended to model.folded).
std::vector<FoldNote> fold_batchnorm(ConvertedModel& model, FoldWeights how = FoldWeights::Copy);

}  // namespace mx
