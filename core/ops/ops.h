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

}  // namespace mx
