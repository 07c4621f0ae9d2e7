// Rules the interpreter applies to each traced op beyond running it: which constant results
// stay ops (embedding lookups into parameters), and the part entries of fused ops.
#pragma once

#include <cstdint>

#include "model/trace.h"

namespace mx {

// An embedding lookup reads rows of a parameter. torch.onnx.export keeps it as a Gather
// even at constant positions (BERT's position and token type ids), and so do we: folded,
// it would leave its module without a node and put an activation-sized constant in the
// file in place of the table. True if `entry` is such a lookup.
bool keeps_lookup(const Trace& trace, const TraceEntry& entry);

// For a fused op (aten::_native_multi_head_attention, aten::_transformer_encoder_layer_fwd)
// at trace.entries[index], appends its part entries (see TraceEntry::part_of): one per
// strict submodule of the op's module that owns one of its parameter inputs and that the
// unfused path calls, in the order the inputs name them. Other ops: nothing.
void add_part_entries(Trace& trace, int64_t index);

}  // namespace mx
