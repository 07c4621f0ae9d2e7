// Calling one IR node's operator on runtime values.
#pragma once

#include <torch/script.h>

namespace mx {

// Runs `node` on `values` (its inputs), leaving its outputs there. List, tuple and dict
// constructors are made here: the JIT creates them per node and not all of them can be
// had through getOperation.
void call_node(torch::jit::Node* node, torch::jit::Stack& values);

// True when the node's schema says it writes argument `i` (an in-place op).
bool writes_input(torch::jit::Node* node, size_t i);

// The output that is argument `i` after the node wrote it (an in-place or out= op returns
// the tensor it wrote), or -1 (not written, or written but not returned: a batch norm's
// running statistics).
int written_output(torch::jit::Node* node, size_t i);

}  // namespace mx
