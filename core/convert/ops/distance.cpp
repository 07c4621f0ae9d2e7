// Distances and vector products: cdist, pairwise_distance, cosine_similarity, cross and
// linalg_cross, bucketize.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"
#include "convert/ops/reduce_util.h"

namespace mx {
namespace {

DType float_result(EmitContext& cx) {
  DType t = cx.out().dtype;
  if (!is_floating(t)) throw cx.error(std::string("gives ") + dtype_name(t) + ", expected a floating type");
  return t;
}

// ATen's _euclidean_dist: [-2 x1, |x1|^2, 1] @ [x2, 1, |x2|^2]^T, clamped at 1e-30 and
// square-rooted; cdist takes this matrix-product path for p = 2 on larger inputs.
std::string euclid_by_matmul(EmitContext& cx, const std::string& x1, const std::string& x2, DType k) {
  auto side = [&](const std::string& x, bool first) {
    std::string sq = cx.apply("ReduceSum", {cx.apply("Mul", {x, x}, false), cx.const_ints({-1})}, false);
    std::string ones = cx.apply("Expand", {cx.const_scalar(1, k), cx.apply("Shape", {sq}, false)}, false);
    std::string lead = first ? cx.apply("Mul", {x, cx.const_scalar(-2, k)}, false) : x;
    std::string out = cx.fresh("Concat");
    set_attr(cx.helper("Concat", {lead, first ? sq : ones, first ? ones : sq}, {out}), "axis", static_cast<int64_t>(-1));
    return out;
  };
  std::string a = side(x1, true), b = side(x2, false);
  size_t r = cx.rank(1);
  std::vector<int64_t> perm;
  for (size_t d = 0; d + 2 < r; ++d) perm.push_back(static_cast<int64_t>(d));
  perm.push_back(static_cast<int64_t>(r) - 1);
  perm.push_back(static_cast<int64_t>(r) - 2);
  std::string bt = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {b}, {bt}), "perm", perm);
  std::string prod = cx.apply("MatMul", {a, bt}, false);
  return cx.apply("Sqrt", {cx.apply("Max", {prod, cx.const_scalar(1e-30, k)}, false)});
}

// cdist(x1, x2, p=2, compute_mode=None): p-norm distances between the rows of x1 (..., P, M)
// and x2 (..., R, M). For p = 2 ATen uses the matrix-product form when compute_mode asks for
// it (1) or, by default, when P or R exceeds 25; 2 never does.
void emit_cdist(EmitContext& cx) {
  DType t = float_result(cx), k = kernel_type(t);
  if (cx.rank(0) < 2 || cx.rank(1) < 2) throw cx.error("x1 and x2 need at least 2 dims");
  double p = cx.double_arg(2);
  if (p < 0) throw cx.error("p must be non-negative, got " + std::to_string(p));
  int64_t mode = cx.is_none(3) ? 0 : cx.int_arg(3);
  std::string x1 = cx.tensor_as(0, k), x2 = cx.tensor_as(1, k);
  bool mm = false;
  if (p == 2.0 && mode != 2) {
    const auto& l1 = cx.dim_labels(0);
    const auto& l2 = cx.dim_labels(1);
    size_t r1 = cx.rank(0), r2 = cx.rank(1);
    bool dynamic = (l1.size() == r1 && !l1[r1 - 2].empty()) || (l2.size() == r2 && !l2[r2 - 2].empty());
    if (mode == 0 && dynamic)
      throw cx.error("with a dynamic number of points ATen picks its algorithm by size; pass "
                     "compute_mode='use_mm_for_euclid_dist' or 'donot_use_mm_for_euclid_dist'");
    mm = mode == 1 || cx.arg(0).shape[r1 - 2] > 25 || cx.arg(1).shape[r2 - 2] > 25;
  }
  if (mm) return cx.set_output(0, cx.cast(euclid_by_matmul(cx, x1, x2, k), k, t));
  std::string diff = cx.apply("Sub", {cx.apply("Unsqueeze", {x1, cx.const_ints({-2})}, false),
                                      cx.apply("Unsqueeze", {x2, cx.const_ints({-3})}, false)},
                              false);
  size_t rank = std::max(cx.rank(0), cx.rank(1)) + 1;
  cx.set_output(0, cx.cast(vector_norm(cx, diff, k, p, {static_cast<int64_t>(rank) - 1}, false), k, t));
}

// pairwise_distance(x1, x2, p=2, eps=1e-6, keepdim=False) = norm(x1 - x2 + eps, p, -1).
void emit_pairwise_distance(EmitContext& cx) {
  DType t = float_result(cx), k = kernel_type(t);
  std::string diff = cx.apply("Add", {cx.apply("Sub", {cx.tensor_as(0, k), cx.tensor_as(1, k)}, false),
                                      cx.const_scalar(cx.double_arg(3), k)},
                              false);
  size_t rank = std::max(cx.rank(0), cx.rank(1));
  std::vector<int64_t> axes;
  if (rank > 0) axes.push_back(static_cast<int64_t>(rank) - 1);
  std::string norm = vector_norm(cx, rank > 0 ? diff : cx.apply("Abs", {diff}, false), k, cx.double_arg(2), axes,
                                 cx.bool_arg(4));
  cx.set_output(0, cx.cast(norm, k, t));
}

// cosine_similarity(x1, x2, dim=1, eps=1e-8), as ATen 1.13 computes it: each input divided
// by its 2-norm clamped at eps, then the products summed over dim.
void emit_cosine_similarity(EmitContext& cx) {
  DType t = float_result(cx), k = kernel_type(t);
  size_t rank = std::max(cx.rank(0), cx.rank(1));
  int64_t dim = cx.norm_dim(cx.int_arg(2), std::max<size_t>(rank, 1));
  std::string eps = cx.const_scalar(cx.double_arg(3), k);
  auto unit = [&](size_t i) {
    // Broadcast first (Expand is bidirectional), so the norm runs over the common shape.
    std::string x = cx.apply("Expand", {cx.tensor_as(i, k), cx.apply("Shape", {cx.tensor(1 - i)}, false)}, false);
    return cx.apply("Div", {x, cx.apply("Max", {reduce(cx, "ReduceL2", x, {dim}, true, false), eps}, false)}, false);
  };
  std::string prod = cx.apply("Mul", {unit(0), unit(1)}, false);
  cx.set_output(0, cx.cast(reduce(cx, "ReduceSum", prod, {dim}, false), k, t));
}

// linalg_cross(self, other, dim=-1) / cross(self, other, dim=None): the 3-vector cross
// product along dim (cross without dim takes self's first dim of size 3); the rest broadcasts.
void emit_cross(EmitContext& cx) {
  size_t rank = cx.rank(0);
  if (cx.rank(1) != rank) throw cx.error("self and other must have the same number of dims");
  int64_t dim = -1;
  if (cx.entry().op == "aten::cross" && cx.is_none(2)) {
    for (size_t d = 0; d < rank && dim < 0; ++d)
      if (cx.arg(0).shape[d] == 3) dim = static_cast<int64_t>(d);
    if (dim < 0) throw cx.error("no dim of size 3");
  } else {
    dim = cx.norm_dim(cx.is_none(2) ? -1 : cx.int_arg(2), rank);
  }
  if (cx.arg(0).shape[dim] != 3 || cx.arg(1).shape[dim] != 3) throw cx.error("dim " + std::to_string(dim) + " must have size 3");
  DType t = cx.out().dtype, k = kernel_type(t);
  std::string a = cx.tensor_as(0, k), b = cx.tensor_as(1, k);
  auto rolled = [&](const std::string& x, std::vector<int64_t> order) {
    std::string out = cx.fresh("Gather");
    set_attr(cx.helper("Gather", {x, cx.const_ints(order)}, {out}), "axis", dim);
    return out;
  };
  std::string lhs = cx.apply("Mul", {rolled(a, {1, 2, 0}), rolled(b, {2, 0, 1})}, false);
  std::string rhs = cx.apply("Mul", {rolled(a, {2, 0, 1}), rolled(b, {1, 2, 0})}, false);
  cx.set_output(0, cx.cast(cx.apply("Sub", {lhs, rhs}), k, t));
}

// bucketize.Tensor(self, boundaries, out_int32=False, right=False) and bucketize.Scalar: the
// index of each value's bucket in sorted 1-d boundaries, counted as the boundaries below the
// value (right: not above it), which is what ATen's binary search returns.
void emit_bucketize(EmitContext& cx) {
  if (cx.rank(1) != 1) throw cx.error("boundaries must be 1-d, got " + std::to_string(cx.rank(1)) + " dims");
  DType self_t = cx.arg(0).kind == Value::Kind::Tensor ? cx.arg(0).dtype
                 : cx.arg(0).kind == Value::Kind::Double ? DType::Double : DType::Int64;
  DType k = kernel_type(promote_types(self_t, cx.arg(1).dtype));
  bool right = cx.bool_arg(3);
  std::string x = cx.apply("Unsqueeze", {cx.tensor_as(0, k), cx.const_ints({-1})}, false);
  std::string b = cx.tensor_as(1, k);
  std::string hit = right ? cx.apply("Not", {cx.apply("Less", {x, b}, false)}, false) : cx.apply("Less", {b, x}, false);
  std::string count = reduce(cx, "ReduceSum", cx.cast(hit, DType::Bool, DType::Int64), {-1}, false);
  cx.set_output(0, cx.cast(count, DType::Int64, cx.out().dtype));
}

}  // namespace

MX_OPS({
    {"aten::cdist", 13, emit_cdist},
    {"aten::pairwise_distance", 13, emit_pairwise_distance},
    {"aten::cosine_similarity", 13, emit_cosine_similarity},
    {"aten::cross", 13, emit_cross},
    {"aten::linalg_cross", 13, emit_cross},
    {"aten::bucketize", 13, emit_bucketize},
})

}  // namespace mx
