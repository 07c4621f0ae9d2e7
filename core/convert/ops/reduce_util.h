// Reduction helpers shared by the reduction emitters (reduce_util.cpp).
#pragma once

#include <string>
#include <vector>

#include "convert/emit_context.h"

namespace mx {

// 0..rank-1
std::vector<int64_t> all_axes(size_t rank);
// The dims of int or int-list argument i of tensor argument 0, normalised; None or an empty
// list means all dims.
std::vector<int64_t> reduce_axes(const EmitContext& cx, size_t i);
// op (ReduceMax, ReduceSum, ...) of x over axes; for opsets up to 17, where only ReduceSum
// takes its axes as an input. A rank-0 x reduces nothing.
std::string reduce(EmitContext& cx, const std::string& op, const std::string& x, const std::vector<int64_t>& axes,
                   bool keepdims, bool primary = true);

}  // namespace mx
