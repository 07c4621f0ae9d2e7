// Shape rules of ours for ops that LibTorch 1.13 has no meta kernel for: the output meta
// tensors made from the inputs' shapes alone.
#pragma once

#include <torch/script.h>

namespace mx {

// Replaces `values` (the node's inputs, tensors on the meta device) by its outputs and
// returns true when a rule knows `node`'s op; false (values untouched) otherwise.
bool apply_shape_rule(torch::jit::Node* node, torch::jit::Stack& values);

}  // namespace mx
