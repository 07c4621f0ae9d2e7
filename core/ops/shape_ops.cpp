// Shape-only ops: flatten, view/reshape, t, transpose, permute -> Flatten/Reshape/Transpose.
#include "../emit_context.h"
#include "ops.h"

namespace mx {
namespace {

int64_t norm_dim(const EmitContext& cx, int64_t d, size_t rank) {
  int64_t r = std::max<int64_t>(static_cast<int64_t>(rank), 1);
  if (d < -r || d >= r)
    throw cx.error("dim " + std::to_string(d) + " is out of range for rank " + std::to_string(rank));
  return d < 0 ? d + r : d;
}

void reshape_to(EmitContext& cx, const std::vector<int64_t>& shape) {
  std::string out = cx.fresh("Reshape");
  auto* n = cx.node("Reshape", {cx.tensor(0), cx.const_ints(shape)}, {out});
  for (auto d : shape)
    if (d == 0) {  // PyTorch's 0 is a real zero-size dim; ONNX's means "copy" unless allowzero.
      set_attr(n, "allowzero", static_cast<int64_t>(1));
      break;
    }
  cx.set_output(0, out);
}

// flatten(self, start_dim=0, end_dim=-1)
void emit_flatten(EmitContext& cx) {
  size_t rank = cx.arg(0).shape.size();
  int64_t start = norm_dim(cx, cx.int_arg(1), rank), end = norm_dim(cx, cx.int_arg(2), rank);
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
  shape.insert(shape.end(), in.begin() + end + 1, in.end());
  reshape_to(cx, shape);
}

// view(self, size) / reshape(self, shape)
void emit_reshape(EmitContext& cx) { reshape_to(cx, cx.ints_arg(1)); }

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
  std::swap(perm[norm_dim(cx, cx.int_arg(1), rank)], perm[norm_dim(cx, cx.int_arg(2), rank)]);
  transpose_to(cx, perm);
}

// permute(self, dims)
void emit_permute(EmitContext& cx) {
  size_t rank = cx.arg(0).shape.size();
  auto dims = cx.ints_arg(1);
  if (dims.size() != rank) throw cx.error("permute needs " + std::to_string(rank) + " dims");
  for (auto& d : dims) d = norm_dim(cx, d, rank);
  transpose_to(cx, dims);
}

}  // namespace

void register_shape_ops(OpRegistry& r) {
  const char* src = "core/ops/shape_ops.cpp";
  r.add("aten::flatten", 14, emit_flatten, src);
  r.add("aten::view", 14, emit_reshape, src);
  r.add("aten::reshape", 14, emit_reshape, src);
  r.add("aten::t", 13, emit_t, src);
  r.add("aten::transpose", 13, emit_transpose, src);
  r.add("aten::permute", 13, emit_permute, src);
}

}  // namespace mx
