// Rules the interpreter applies to each traced op beyond running it: which constant results
// stay ops (a module's computation on its parameters), and the part entries of fused ops.
#pragma once

#include <cstdint>

#include "model/trace.h"

namespace mx {

// A module's own computation on its parameters stays an op even when the values it reads
// are constants of the trace, so that the module keeps its node (as torch.onnx.export keeps
// it) and the file holds the weights, not an activation-sized result:
// - an embedding lookup at constant positions (BERT's position and token type ids);
// - a Linear, a convolution or a matmul whose weight is a parameter, applied to a tensor
//   that is not one (the zero state of an LSTMCell's first step, RAFT's zero first flow:
//   in torch.onnx.export's trace those zeros follow the input's size, so its graph computes
//   them too).
// A computation on parameters alone (W1 @ W2) is folded. True if `entry` is kept.
bool keeps_parameter_op(const Trace& trace, const TraceEntry& entry);

// For a fused op (aten::_native_multi_head_attention, aten::_transformer_encoder_layer_fwd)
// at trace.entries[index], appends its part entries (see TraceEntry::part_of): one per
// strict submodule of the op's module that owns one of its parameter inputs and that the
// unfused path calls, in the order the inputs name them. Other ops: nothing.
void add_part_entries(Trace& trace, int64_t index);

}  // namespace mx
