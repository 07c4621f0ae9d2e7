// Shape and type ops: flatten, view/reshape, t, transpose, permute, (un)squeeze, expand, to,
// *_like.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

void reshape_to(EmitContext& cx, const std::vector<int64_t>& shape, bool zero_copies = false);

// view(self, size) / reshape(self, shape); the size may be computed from dynamic axes.
void emit_reshape(EmitContext& cx) {
  if (!cx.is_shape_dynamic(1)) return reshape_to(cx, cx.ints_arg(1));
  std::string out = cx.fresh("Reshape");
  cx.node("Reshape", {cx.tensor(0), cx.ints_input(1)}, {out});
  cx.set_output(0, out);
}

// zero_copies: a 0 in `shape` copies the input's dim (ONNX's meaning); otherwise it is
// PyTorch's zero-size dim and needs allowzero.
void reshape_to(EmitContext& cx, const std::vector<int64_t>& shape, bool zero_copies) {
  std::string out = cx.fresh("Reshape");
  auto* n = cx.node("Reshape", {cx.tensor(0), cx.const_ints(shape)}, {out});
  for (auto d : shape)
    if (d == 0 && !zero_copies) {
      set_attr(n, "allowzero", static_cast<int64_t>(1));
      break;
    }
  cx.set_output(0, out);
}

// flatten(self, start_dim=0, end_dim=-1)
void emit_flatten(EmitContext& cx) {
  size_t rank = cx.arg(0).shape.size();
  int64_t start = cx.norm_dim(cx.int_arg(1), rank), end = cx.norm_dim(cx.int_arg(2), rank);
  if (start > end) throw cx.error("start_dim comes after end_dim");
  if (rank == 0) return reshape_to(cx, {1});
  if (start == end) return cx.set_output(0, cx.tensor(0));
  if (start == 1 && end == static_cast<int64_t>(rank) - 1) {
    std::string out = cx.fresh("Flatten");
    set_attr(cx.node("Flatten", {cx.tensor(0)}, {out}), "axis", static_cast<int64_t>(1));
    return cx.set_output(0, out);
  }
  // Leading dims are copied (0), the merged run is inferred (-1), trailing dims kept.
  std::vector<int64_t> shape(start, 0);
  shape.push_back(-1);
  const auto& in = cx.arg(0).shape;
  // Under --dynamic any trailing dim may change (even one both traces agree on).
  if (!cx.has_dynamic_axes() || end + 1 == static_cast<int64_t>(rank)) {
    shape.insert(shape.end(), in.begin() + end + 1, in.end());
    return reshape_to(cx, shape, true);
  }
  // The kept trailing dims are read at run time.
  std::string dims = cx.fresh("Shape"), tail = cx.fresh("Slice"), full = cx.fresh("Concat");
  cx.helper("Shape", {cx.tensor(0)}, {dims});
  cx.helper("Slice", {dims, cx.const_ints({end + 1}), cx.const_ints({static_cast<int64_t>(rank)})}, {tail});
  set_attr(cx.helper("Concat", {cx.const_ints(shape), tail}, {full}), "axis", static_cast<int64_t>(0));
  std::string out = cx.fresh("Reshape");
  cx.node("Reshape", {cx.tensor(0), full}, {out});
  cx.set_output(0, out);
}


void transpose_to(EmitContext& cx, const std::vector<int64_t>& perm) {
  std::string out = cx.fresh("Transpose");
  set_attr(cx.node("Transpose", {cx.tensor(0)}, {out}), "perm", perm);
  cx.set_output(0, out);
}

// t(self): transpose of a matrix, unchanged for rank < 2
void emit_t(EmitContext& cx) {
  if (cx.arg(0).shape.size() < 2) return cx.set_output(0, cx.tensor(0));
  transpose_to(cx, {1, 0});
}

// transpose(self, dim0, dim1)
void emit_transpose(EmitContext& cx) {
  size_t rank = cx.arg(0).shape.size();
  if (rank < 2) return cx.set_output(0, cx.tensor(0));
  std::vector<int64_t> perm(rank);
  for (size_t i = 0; i < rank; ++i) perm[i] = static_cast<int64_t>(i);
  std::swap(perm[cx.norm_dim(cx.int_arg(1), rank)], perm[cx.norm_dim(cx.int_arg(2), rank)]);
  transpose_to(cx, perm);
}

// permute(self, dims)
void emit_permute(EmitContext& cx) {
  size_t rank = cx.arg(0).shape.size();
  auto dims = cx.ints_arg(1);
  if (dims.size() != rank) throw cx.error("permute needs " + std::to_string(rank) + " dims");
  for (auto& d : dims) d = cx.norm_dim(d, rank);
  transpose_to(cx, dims);
}

// unsqueeze(self, dim)
void emit_unsqueeze(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0) + 1);
  std::string out = cx.fresh("Unsqueeze");
  cx.node("Unsqueeze", {cx.tensor(0), cx.const_ints({dim})}, {out});
  cx.set_output(0, out);
}

// squeeze(self[, dim]): removes size-1 dims (all, or the one given if it is size 1).
void emit_squeeze(EmitContext& cx) {
  const auto& in = cx.arg(0).shape;
  std::vector<int64_t> axes;
  if (cx.arg_count() > 1) {
    for (auto d : cx.ints_arg(1)) {
      int64_t a = cx.norm_dim(d, in.size());
      if (in.empty() || in[a] == 1) axes.push_back(a);
    }
  } else {
    for (size_t d = 0; d < in.size(); ++d)
      if (in[d] == 1) axes.push_back(static_cast<int64_t>(d));
  }
  if (axes.empty()) return cx.set_output(0, cx.tensor(0));
  std::string out = cx.fresh("Squeeze");
  cx.node("Squeeze", {cx.tensor(0), cx.const_ints(axes)}, {out});
  cx.set_output(0, out);
}

// expand(self, size, implicit=False) / expand_as(self, other)
void emit_expand(EmitContext& cx) {
  // expand's -1 keeps a dim; Expand broadcasts, so 1 keeps it too, whatever its size at
  // run time. expand_as takes the other tensor's shape.
  std::string shape =
      cx.entry().op == "aten::expand" ? cx.ints_input(1, true) : cx.apply("Shape", {cx.tensor(1)}, false);
  std::string out = cx.fresh("Expand");
  cx.node("Expand", {cx.tensor(0), shape}, {out});
  cx.set_output(0, out);
}

// to(...) / type_as(...): every overload changes at most the element type here (the
// device does not exist in ONNX), so cast to what the trace saw.
void emit_to(EmitContext& cx) { cx.set_output(0, cx.cast(cx.tensor(0), cx.arg(0).dtype, cx.out().dtype)); }

// zeros_like / ones_like / full_like(self, [fill,] ...): a tensor of self's shape.
void fill_like(EmitContext& cx, double value) {
  cx.set_output(0, constant_of_shape(cx, cx.apply("Shape", {cx.tensor(0)}, false), value));
}

void emit_zeros_like(EmitContext& cx) { fill_like(cx, 0.0); }
// fill(self, value): self's shape, every entry value (a number or a 0-d tensor's value).
void emit_fill(EmitContext& cx) {
  DType t = cx.out().dtype;
  cx.set_output(0, cx.apply("Expand", {cx.tensor_as(1, t), cx.apply("Shape", {cx.tensor(0)}, false)}));
}
void emit_ones_like(EmitContext& cx) { fill_like(cx, 1.0); }
void emit_full_like(EmitContext& cx) { fill_like(cx, cx.double_arg(1)); }

}  // namespace

MX_OPS({
    {"aten::flatten", 14, emit_flatten},
    {"aten::view", 14, emit_reshape},
    {"aten::reshape", 14, emit_reshape},
    {"aten::t", 13, emit_t},
    {"aten::transpose", 13, emit_transpose},
    {"aten::permute", 13, emit_permute},
    {"aten::unsqueeze", 13, emit_unsqueeze},
    {"aten::squeeze", 13, emit_squeeze},
    {"aten::expand", 13, emit_expand},
    {"aten::expand_as", 13, emit_expand},
    {"aten::to", 13, emit_to},
    {"aten::type_as", 13, emit_to},
    {"aten::zeros_like", 9, emit_zeros_like},
    {"aten::empty_like", 9, emit_zeros_like},
    {"aten::zero", 9, emit_zeros_like},  // recorded as its in-place form aten::zero_
    {"aten::fill", 9, emit_fill},
    {"aten::ones_like", 9, emit_ones_like},
    {"aten::full_like", 9, emit_full_like},
})

}  // namespace mx
