// Helpers shared by the indexing emitters (index_util.cpp): the index tensors of
// aten::index / aten::index_put, and one index tensor laid along a dim for ScatterElements.
#pragma once

#include <string>
#include <vector>

#include "convert/emit_context.h"

namespace mx {

// The index tensors of an `indices` list argument (aten::index, aten::index_put): the dim
// each one indexes and its ONNX int64 name. None entries leave their dim unindexed; a bool
// (or legacy uint8) mask over m dims becomes the m rows of its true entries' coordinates, as
// PyTorch turns masks into index tensors. With `wrap`, negative indices are made
// non-negative (for ScatterND, which ONNX Runtime reads without wrapping).
struct Indices {
  std::vector<int64_t> dims;
  std::vector<std::string> names;
  size_t batch_rank = 0;  // rank of the indices broadcast together
  // True when the indexed dims are adjacent and do not start at 0: PyTorch then puts the
  // indices' result dims where the first indexed dim was, else first.
  bool result_in_place() const;
};
Indices bind_indices(EmitContext& cx, size_t list_arg, const std::string& self, bool wrap);

// The index tensors broadcast together and stacked on a last axis, for GatherND/ScatterND.
std::string stack_indices(EmitContext& cx, const Indices& ix);

// The permutation that moves the indexed dims of a rank-`rank` tensor first, in order.
std::vector<int64_t> indexed_first(const Indices& ix, size_t rank);

// `perm`'s inverse.
std::vector<int64_t> inverse_perm(const std::vector<int64_t>& perm);

// Transpose(x, perm), or x itself when perm keeps every dim in place.
std::string transpose(EmitContext& cx, const std::string& x, const std::vector<int64_t>& perm);

// 1-d int64 index (argument i, a 0-d index becomes 1-d) laid along `dim` of a rank-`rank`
// tensor and expanded to `shape` (an ONNX 1-d shape): the index input of ScatterElements.
std::string index_along(EmitContext& cx, size_t i, int64_t dim, size_t rank, const std::string& shape);

// shape with entry `dim` replaced by the 1-element tensor `size` (both 1-d int64).
std::string replace_dim(EmitContext& cx, const std::string& shape, int64_t dim, size_t rank, const std::string& size);

// Throws if this in-place op (aten::index_put_, ...) writes into a view of a tensor that the
// model reads again afterwards (y[:, i] = v is aten::slice then aten::index_put_ on the
// slice): the converted graph computes values, so the write would not reach that tensor.
void refuse_write_through_view(const EmitContext& cx);

}  // namespace mx
