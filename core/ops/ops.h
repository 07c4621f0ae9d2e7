// Core's C++ emitters, one small file each; register_builtin_ops adds them all.
#pragma once

#include "../op_registry.h"

namespace mx {

void register_builtin_ops(OpRegistry& r);

// A ConstantOfShape node of the op's output type filled with `value` (sizes.cpp).
std::string constant_of_shape(EmitContext& cx, const std::string& shape, double value);

// One-to-one rows from YAML (the OpEntry names the ONNX op).
void emit_row(EmitContext& cx);

void register_conv(OpRegistry& r);
void register_normalization(OpRegistry& r);
void register_activations(OpRegistry& r);
void register_indexing(OpRegistry& r);
void register_reduce(OpRegistry& r);
void register_rnn(OpRegistry& r);
void register_sizes(OpRegistry& r);
void register_pool(OpRegistry& r);
void register_linear(OpRegistry& r);
void register_arithmetic(OpRegistry& r);
void register_shape_ops(OpRegistry& r);
void register_identity_ops(OpRegistry& r);
// Breadth against torch.onnx's registry (issue 10).
void register_compare_logic(OpRegistry& r);
void register_math_ops(OpRegistry& r);
void register_reduce_more(OpRegistry& r);
void register_norms_stats(OpRegistry& r);
void register_activations_more(OpRegistry& r);
void register_pad(OpRegistry& r);
void register_refused(OpRegistry& r);
void register_reshape_more(OpRegistry& r);
void register_gather_scatter(OpRegistry& r);
void register_sort_ops(OpRegistry& r);
void register_broadcast_ops(OpRegistry& r);
void register_fused_attention(OpRegistry& r);

}  // namespace mx
