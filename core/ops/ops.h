// Core's C++ emitters, one small file each; register_builtin_ops adds them all.
#pragma once

#include "../op_registry.h"

namespace mx {

void register_builtin_ops(OpRegistry& r);

// One-to-one rows from YAML (the OpEntry names the ONNX op).
void emit_row(EmitContext& cx);

void register_conv(OpRegistry& r);
void register_batch_norm(OpRegistry& r);
void register_pool(OpRegistry& r);
void register_linear(OpRegistry& r);
void register_arithmetic(OpRegistry& r);
void register_shape_ops(OpRegistry& r);
void register_identity_ops(OpRegistry& r);

}  // namespace mx
