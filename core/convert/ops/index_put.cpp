// Writing into tensors by index: index_put (advanced-index assignment, accumulate, bool
// masks, several index tensors), masked_scatter, index_add, index_copy, index_fill.
#include <algorithm>

#include "convert/emit_context.h"
#include "convert/ops/index_util.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// ONNX Runtime's reductions in ScatterND/ScatterElements come with opset 16.
void need_reduction(EmitContext& cx, const char* what) {
  if (cx.opset() < 16) throw cx.error(std::string(what) + " needs opset 16 or later (a scatter with reduction='add')");
}

std::string slice_shape(EmitContext& cx, const std::string& shape, int64_t from, int64_t to) {
  return cx.apply("Slice", {shape, cx.const_ints({from}), cx.const_ints({to})}, false);
}

std::string concat(EmitContext& cx, const std::vector<std::string>& parts) {
  std::string out = cx.fresh("Concat");
  set_attr(cx.helper("Concat", parts, {out}), "axis", static_cast<int64_t>(0));
  return out;
}

// `values` (argument 2) as ScatterND's updates: cast to self's type, broadcast to the shape
// of self[indices] as PyTorch lays it out, then moved to the indexed-dims-first layout.
std::string index_put_updates(EmitContext& cx, const Indices& ix, const std::string& moved, const std::string& idx) {
  size_t rank = cx.rank(0), k = ix.dims.size(), nb = ix.batch_rank;
  std::string values = cx.tensor_as(2, cx.arg(0).dtype);
  size_t target_rank = rank - k + nb;
  if (cx.rank(2) > target_rank) {  // leading size-1 dims beyond self[indices]' rank
    std::vector<int64_t> lead;
    for (size_t d = 0; d < cx.rank(2) - target_rank; ++d) {
      if (cx.arg(2).shape[d] != 1) throw cx.error("values do not broadcast to the indexed part of self");
      lead.push_back(static_cast<int64_t>(d));
    }
    values = cx.apply("Squeeze", {values, cx.const_ints(lead)}, false);
  }
  std::string batch = slice_shape(cx, cx.apply("Shape", {idx}, false), 0, -1);
  std::string self_shape = cx.apply("Shape", {cx.tensor(0)}, false);
  int64_t r = static_cast<int64_t>(rank);
  if (!ix.result_in_place()) {
    std::string shape = concat(cx, {batch, slice_shape(cx, cx.apply("Shape", {moved}, false), static_cast<int64_t>(k), r)});
    return cx.apply("Expand", {values, shape}, false);
  }
  int64_t d0 = ix.dims.front(), d1 = ix.dims.back() + 1;
  std::vector<std::string> parts{slice_shape(cx, self_shape, 0, d0), batch};
  if (d1 < r) parts.push_back(slice_shape(cx, self_shape, d1, r));
  std::string laid = cx.apply("Expand", {values, concat(cx, parts)}, false);
  // (before..., B..., after...) -> (B..., before..., after...)
  std::vector<int64_t> perm;
  for (size_t d = 0; d < nb; ++d) perm.push_back(d0 + static_cast<int64_t>(d));
  for (int64_t d = 0; d < d0; ++d) perm.push_back(d);
  for (size_t d = d0 + nb; d < target_rank; ++d) perm.push_back(static_cast<int64_t>(d));
  return transpose(cx, laid, perm);
}

// index_put(self, indices, values, accumulate=False): self with self[indices] = values (or
// += with accumulate, which sums repeated indices). The indexed dims go first, ScatterND
// writes there, and the dims go back.
void emit_index_put(EmitContext& cx) {
  refuse_write_through_view(cx);
  bool accumulate = cx.arg_count() > 3 && cx.bool_arg(3);
  if (accumulate) need_reduction(cx, "index_put with accumulate=True");
  size_t rank = cx.rank(0);
  if (rank == 0) throw cx.error("indexing a 0-d tensor is not supported");
  std::string self = cx.tensor(0);
  // An index tensor of static size 0 writes nothing (and ONNX's shape inference crashes on
  // the empty ScatterND it would make).
  for (auto id : cx.arg(1).elements) {
    const auto& v = cx.trace_value(id);
    bool empty = v.is_tensor() && v.dtype != DType::Bool && v.dtype != DType::UInt8 &&
                 std::find(v.shape.begin(), v.shape.end(), 0) != v.shape.end();
    if (empty)
      return cx.set_output(0, cx.apply("Identity", {self}));
  }
  Indices ix = bind_indices(cx, 1, self, true);
  if (ix.dims.empty()) throw cx.error("needs at least one index tensor");
  auto perm = indexed_first(ix, rank);
  std::string moved = transpose(cx, self, perm);
  std::string idx = stack_indices(cx, ix);
  std::string updates = index_put_updates(cx, ix, moved, idx);
  std::string out = cx.fresh("ScatterND");
  auto* n = cx.node("ScatterND", {moved, idx, updates}, {out});
  if (accumulate) set_attr(n, "reduction", std::string("add"));
  cx.set_output(0, transpose(cx, out, inverse_perm(perm)));
}

// masked_scatter(self, mask, source): the entries where the mask (self and mask broadcast
// together) is true take source's elements in order.
void emit_masked_scatter(EmitContext& cx) {
  refuse_write_through_view(cx);
  if (cx.rank(0) == 0 && cx.rank(1) == 0) throw cx.error("0-d self and mask are not supported");
  std::string self = cx.tensor(0), mask = cx.tensor_as(1, DType::Bool);
  std::string bs = cx.apply("Expand", {self, cx.apply("Shape", {mask}, false)}, false);
  std::string bm = cx.apply("Expand", {mask, cx.apply("Shape", {bs}, false)}, false);
  std::string where = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {cx.apply("NonZero", {bm}, false)}, {where}), "perm", std::vector<int64_t>{1, 0});
  std::string count = slice_shape(cx, cx.apply("Shape", {where}, false), 0, 1);
  std::string flat = cx.apply("Reshape", {cx.tensor_as(2, cx.arg(0).dtype), cx.const_ints({-1})}, false);
  std::string source = cx.apply("Slice", {flat, cx.const_ints({0}), count}, false);
  cx.set_output(0, cx.apply("ScatterND", {bs, where, source}));
}

// ScatterElements of `updates` (shaped `shape`) into self along `dim` at the index of
// argument 2 laid along dim; a 0-d self is handled as 1-d.
void scatter_along(EmitContext& cx, const std::string& updates, const std::string& shape, const std::string& reduction) {
  refuse_write_through_view(cx);
  size_t rank = cx.rank(0);
  int64_t dim = cx.norm_dim(cx.int_arg(1), std::max<size_t>(rank, 1));
  std::string self = cx.tensor(0), upd = updates, sh = shape;
  if (rank == 0) {
    self = cx.apply("Reshape", {self, cx.const_ints({1})}, false);
    upd = cx.apply("Reshape", {upd, cx.const_ints({-1})}, false);
    sh = cx.apply("Shape", {upd}, false);
  }
  std::string out = cx.fresh("ScatterElements");
  auto* n = cx.node("ScatterElements", {self, index_along(cx, 2, dim, rank, sh), upd}, {out});
  set_attr(n, "axis", dim);
  if (!reduction.empty()) set_attr(n, "reduction", reduction);
  cx.set_output(0, rank == 0 ? cx.apply("Reshape", {out, cx.const_ints({})}, false) : out);
}

// index_add(self, dim, index, source, alpha=1): self with alpha * source's slices added at
// the indices along dim (repeated indices add up).
void emit_index_add(EmitContext& cx) {
  DType t = cx.arg(0).dtype;
  std::string source = cx.tensor_as(3, t);
  if (cx.arg_count() > 4 && cx.double_arg(4) != 1.0) source = cx.apply("Mul", {source, cx.tensor_as(4, t)}, false);
  if (cx.rank(3) != cx.rank(0)) throw cx.error("source must have self's number of dims");
  scatter_along(cx, source, cx.apply("Shape", {source}, false), "add");
}

// index_copy(self, dim, index, source): source's slices written at the indices along dim.
void emit_index_copy(EmitContext& cx) {
  if (cx.rank(3) != cx.rank(0)) throw cx.error("source must have self's number of dims");
  std::string source = cx.tensor_as(3, cx.arg(0).dtype);
  scatter_along(cx, source, cx.apply("Shape", {source}, false), "");
}

// index_fill.int_Scalar/int_Tensor(self, dim, index, value): value (a number or a 0-d
// tensor) written in the slices at the indices along dim.
void emit_index_fill(EmitContext& cx) {
  size_t rank = cx.rank(0);
  if (cx.arg(3).kind == Value::Kind::Tensor && cx.rank(3) != 0) throw cx.error("value must be a number or a 0-d tensor");
  int64_t dim = cx.norm_dim(cx.int_arg(1), std::max<size_t>(rank, 1));
  std::string count = cx.apply("Reshape", {cx.apply("Size", {cx.tensor(2)}, false), cx.const_ints({1})}, false);
  std::string shape = rank == 0 ? count : replace_dim(cx, cx.apply("Shape", {cx.tensor(0)}, false), dim, rank, count);
  scatter_along(cx, cx.apply("Expand", {cx.tensor_as(3, cx.arg(0).dtype), shape}, false), shape, "");
}


}  // namespace

MX_OPS({
    {"aten::index_put", 14, emit_index_put},
    {"aten::masked_scatter", 14, emit_masked_scatter},
    {"aten::index_add", 16, emit_index_add},
    {"aten::index_copy", 14, emit_index_copy},
    {"aten::index_fill", 14, emit_index_fill},
})

}  // namespace mx
