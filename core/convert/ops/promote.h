// PyTorch's type promotion, for emitters whose output type does not tell the operands'
// common type (comparisons give bool, where takes its type from two branches).
#pragma once

#include <string>
#include <vector>

#include "convert/emit_context.h"

namespace mx {

bool is_floating(DType t);
bool is_integral(DType t);  // not bool

// promote_types(a, b): the smallest type both convert to (uint8 + int8 = int16, int + float = float).
DType promote_types(DType a, DType b);

// The result type of arguments `args` as torch.result_type gives it: tensors with dims
// first, then 0-d tensors, then numbers, a later group winning only by a higher category
// (bool < integer < floating). A Python float is float32 (the default dtype).
DType result_type(const EmitContext& cx, const std::vector<size_t>& args);

// ONNX Runtime's kernels for comparisons and several math ops take 32/64-bit ints and
// float/double only: 8/16-bit ints go through int32, float16/bfloat16 through float (exact
// for comparisons, min/max and sign).
DType kernel_type(DType t);

}  // namespace mx
