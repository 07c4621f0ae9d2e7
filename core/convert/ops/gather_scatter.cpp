// Indexing by tensors: index_select, gather, scatter (src, value, reduce), scatter_add,
// index (advanced indexing), masked_select, nonzero, take.
#include <numeric>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// index_select(self, dim, index)
void emit_index_select(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), std::max<size_t>(cx.rank(0), 1));
  std::string index = cx.tensor_as(2, DType::Int64);
  if (cx.rank(2) == 0) index = cx.apply("Unsqueeze", {index, cx.const_ints({0})}, false);
  std::string out = cx.fresh("Gather");
  set_attr(cx.node("Gather", {cx.tensor(0), index}, {out}), "axis", dim);
  cx.set_output(0, out);
}

// gather(self, dim, index, sparse_grad=False)
void emit_gather(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), std::max<size_t>(cx.rank(0), 1));
  std::string out = cx.fresh("GatherElements");
  set_attr(cx.node("GatherElements", {cx.tensor(0), cx.tensor_as(2, DType::Int64)}, {out}), "axis", dim);
  cx.set_output(0, out);
}

// The part of `src` (argument i) that index covers: PyTorch reads only that much of it.
std::string updates(EmitContext& cx, size_t i) {
  const auto& index = cx.arg(2).shape;
  DType t = cx.arg(0).dtype;
  if (cx.arg(i).kind != Value::Kind::Tensor)  // scatter.value: the number at every index
    return cx.apply("Expand", {cx.tensor_as(i, t), cx.apply("Shape", {cx.tensor(2)}, false)}, false);
  std::string src = cx.cast(cx.tensor(i), cx.arg(i).dtype, t);
  if (cx.arg(i).shape == index) return src;
  std::vector<int64_t> axes(index.size()), zeros(index.size(), 0);
  std::iota(axes.begin(), axes.end(), 0);
  return cx.apply("Slice", {src, cx.const_ints(zeros), cx.const_ints(index), cx.const_ints(axes)}, false);
}

void scatter_elements(EmitContext& cx, size_t src_arg, const std::string& reduction) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), std::max<size_t>(cx.rank(0), 1));
  std::string out = cx.fresh("ScatterElements");
  auto* n = cx.node("ScatterElements", {cx.tensor(0), cx.tensor_as(2, DType::Int64), updates(cx, src_arg)}, {out});
  set_attr(n, "axis", dim);
  if (!reduction.empty()) set_attr(n, "reduction", reduction);
  cx.set_output(0, out);
}

// scatter.src/.value(self, dim, index, src|value) and .reduce/.value_reduce(..., reduce):
// reduce 'add' and 'multiply' need ScatterElements' reduction (opset 16).
void emit_scatter(EmitContext& cx) {
  std::string reduction;
  if (cx.arg_count() > 4 && !cx.is_none(4)) {
    std::string reduce = cx.string_arg(4);
    if (reduce != "add" && reduce != "multiply") throw cx.error("unknown reduce='" + reduce + "'");
    if (cx.opset() < 16) throw cx.error("reduce='" + reduce + "' needs opset 16 or later (ScatterElements' reduction)");
    reduction = reduce == "add" ? "add" : "mul";
  }
  scatter_elements(cx, 3, reduction);
}

// scatter_add(self, dim, index, src)
void emit_scatter_add(EmitContext& cx) { scatter_elements(cx, 3, "add"); }

// The index tensors of aten::index: (position, ONNX int64 name) for each non-None entry;
// a bool mask becomes the indices of its true entries, one per dim it covers.
struct Indices {
  std::vector<int64_t> dims;
  std::vector<std::string> names;
};

Indices bind_indices(EmitContext& cx) {
  const auto& list = cx.arg(1);
  Indices ix;
  auto names = cx.tensor_list(1, true);
  for (size_t k = 0, d = 0; k < list.elements.size(); ++k) {
    const auto& v = cx.trace_value(list.elements[k]);
    if (v.kind == Value::Kind::None) {
      ++d;
      continue;
    }
    if (v.dtype == DType::Bool || v.dtype == DType::UInt8) {
      if (list.elements.size() != 1) throw cx.error("a boolean mask is only supported as the sole index");
      std::string nz = cx.apply("NonZero", {cx.cast(names[k], v.dtype, DType::Bool)}, false);
      for (size_t m = 0; m < v.shape.size(); ++m) {
        std::string row = cx.fresh("Gather");
        set_attr(cx.helper("Gather", {nz, cx.const_ints({static_cast<int64_t>(m)}, true)}, {row}), "axis",
                 static_cast<int64_t>(0));
        ix.dims.push_back(static_cast<int64_t>(d++));
        ix.names.push_back(row);
      }
      continue;
    }
    ix.dims.push_back(static_cast<int64_t>(d++));
    ix.names.push_back(cx.cast(names[k], v.dtype, DType::Int64));
  }
  return ix;
}

// index.Tensor(self, indices): one index tensor is a Gather; several are broadcast, stacked
// and read by GatherND from the tensor with the indexed dims moved first. Their result dims
// go where the first indexed dim was if the indexed dims are adjacent, else first.
void emit_index(EmitContext& cx) {
  Indices ix = bind_indices(cx);
  size_t rank = cx.rank(0);
  if (ix.dims.empty()) return cx.set_output(0, cx.tensor(0));
  if (ix.dims.size() == 1) {
    std::string out = cx.fresh("Gather");
    set_attr(cx.node("Gather", {cx.tensor(0), ix.names[0]}, {out}), "axis", ix.dims[0]);
    return cx.set_output(0, out);
  }
  std::vector<int64_t> perm = ix.dims;
  for (size_t d = 0; d < rank; ++d)
    if (std::find(ix.dims.begin(), ix.dims.end(), static_cast<int64_t>(d)) == ix.dims.end())
      perm.push_back(static_cast<int64_t>(d));
  std::string moved = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {cx.tensor(0)}, {moved}), "perm", perm);
  // Broadcast the index tensors against each other (Expand chains through every shape).
  std::vector<std::string> parts;
  for (const auto& name : ix.names) {
    std::string b = name;
    for (const auto& other : ix.names) b = cx.apply("Expand", {b, cx.apply("Shape", {other}, false)}, false);
    parts.push_back(cx.apply("Unsqueeze", {b, cx.const_ints({-1})}, false));
  }
  std::string stacked = cx.fresh("Concat");
  set_attr(cx.helper("Concat", parts, {stacked}), "axis", static_cast<int64_t>(-1));
  std::string gathered = cx.apply("GatherND", {moved, stacked});
  bool adjacent = ix.dims.back() - ix.dims.front() + 1 == static_cast<int64_t>(ix.dims.size());
  if (!adjacent || ix.dims.front() == 0) return cx.set_output(0, gathered);
  // (B..., before..., after...) -> (before..., B..., after...)
  size_t b = cx.out().shape.size() - (rank - ix.dims.size());
  std::vector<int64_t> back;
  for (int64_t d = 0; d < ix.dims.front(); ++d) back.push_back(static_cast<int64_t>(b) + d);
  for (size_t d = 0; d < b; ++d) back.push_back(static_cast<int64_t>(d));
  for (size_t d = b + ix.dims.front(); d < cx.out().shape.size(); ++d) back.push_back(static_cast<int64_t>(d));
  std::string out = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {gathered}, {out}), "perm", back);
  cx.set_output(0, out);
}

// masked_select(self, mask): the entries where the (broadcast) mask is true, as a 1-d tensor.
void emit_masked_select(EmitContext& cx) {
  std::string x = cx.tensor(0), mask = cx.tensor_as(1, DType::Bool);
  std::string bx = cx.apply("Expand", {x, cx.apply("Shape", {mask}, false)}, false);
  std::string bm = cx.apply("Expand", {mask, cx.apply("Shape", {bx}, false)}, false);
  std::string where = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {cx.apply("NonZero", {bm}, false)}, {where}), "perm", std::vector<int64_t>{1, 0});
  cx.set_output(0, cx.apply("GatherND", {bx, where}));
}

// nonzero(self): (count, rank) int64 indices.
void emit_nonzero(EmitContext& cx) {
  std::string x = cx.tensor(0);
  std::string out = cx.fresh("Transpose");
  set_attr(cx.node("Transpose", {cx.apply("NonZero", {x}, false)}, {out}), "perm", std::vector<int64_t>{1, 0});
  cx.set_output(0, out);
}

// take(self, index): entries of the flattened tensor.
void emit_take(EmitContext& cx) {
  std::string flat = cx.apply("Reshape", {cx.tensor(0), cx.const_ints({-1})}, false);
  std::string out = cx.fresh("Gather");
  set_attr(cx.node("Gather", {flat, cx.tensor_as(1, DType::Int64)}, {out}), "axis", static_cast<int64_t>(0));
  cx.set_output(0, out);
}

}  // namespace

MX_OPS({
    {"aten::index_select", 14, emit_index_select},
    {"aten::gather", 14, emit_gather},
    {"aten::scatter", 14, emit_scatter},
    {"aten::scatter_add", 16, emit_scatter_add},
    {"aten::index", 14, emit_index},
    {"aten::masked_select", 14, emit_masked_select},
    {"aten::nonzero", 14, emit_nonzero},
    {"aten::take", 14, emit_take},
})

}  // namespace mx
