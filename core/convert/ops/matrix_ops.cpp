// Matrix reductions and contractions: linalg_det, logdet, linalg_matrix_norm, tensordot,
// aminmax.
#include <cmath>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"
#include "convert/ops/reduce_util.h"

namespace mx {
namespace {

// Det of the (..., n, n) argument 0 in the output's float type; a 0 x 0 matrix has det 1.
std::string det(EmitContext& cx) {
  DType t = cx.out().dtype;
  if (!is_floating(t)) throw cx.error(std::string("gives ") + dtype_name(t) + ", expected a floating type");
  size_t r = cx.rank(0);
  if (r < 2 || cx.arg(0).shape[r - 1] != cx.arg(0).shape[r - 2]) throw cx.error("needs square matrices (..., n, n)");
  // ONNX Runtime's Det is float-only; double goes through float as well.
  if (cx.arg(0).shape[r - 1] == 0) {
    std::string batch = cx.apply("Slice", {cx.apply("Shape", {cx.tensor(0)}, false), cx.const_ints({0}), cx.const_ints({-2})}, false);
    return constant_of_shape(cx, batch, 1.0);
  }
  std::string d = cx.apply("Det", {cx.tensor_as(0, DType::Float)});
  return cx.cast(d, DType::Float, t);
}

// linalg_det(A) / det(A)
void emit_linalg_det(EmitContext& cx) { cx.set_output(0, det(cx)); }

// logdet(A) = log(det(A)): NaN for a negative determinant, -inf for a singular matrix.
void emit_logdet(EmitContext& cx) { cx.set_output(0, cx.apply("Log", {det(cx)})); }

// linalg_matrix_norm(A, ord=Scalar, dim=(-2, -1), keepdim=False, dtype=None) and its str_ord
// overload (ord='fro'): Frobenius, and the +-1 (column sums) and +-inf (row sums) norms.
// ord = +-2 and 'nuc' need singular values, which ONNX has no op for.
void emit_linalg_matrix_norm(EmitContext& cx) {
  DType t = cx.out().dtype, k = kernel_type(t);
  if (!is_floating(t)) throw cx.error(std::string("gives ") + dtype_name(t) + ", expected a floating type");
  auto dims = cx.ints_arg(2);
  if (dims.size() != 2) throw cx.error("dim must name 2 dims");
  int64_t rows = cx.norm_dim(dims[0], cx.rank(0)), cols = cx.norm_dim(dims[1], cx.rank(0));
  if (rows == cols) throw cx.error("dim must name 2 different dims");
  bool keep = cx.bool_arg(3);
  std::string a = cx.tensor_as(0, k);
  std::string out;
  if (cx.arg(1).kind == Value::Kind::String) {
    std::string ord = cx.string_arg(1);
    if (ord != "fro") throw cx.error("ord='" + ord + "' needs singular values, which ONNX has no op for");
    out = reduce(cx, "ReduceL2", a, {rows, cols}, keep);
  } else {
    double ord = cx.double_arg(1);
    if (std::fabs(ord) != 1.0 && !std::isinf(ord))
      throw cx.error("ord=" + std::to_string(ord) + " needs singular values, which ONNX has no op for (only "
                     "'fro', 1, -1, inf and -inf convert)");
    // ord +-1: sum |a| down each column, then max/min over columns; +-inf: along rows.
    int64_t sum_dim = std::isinf(ord) ? cols : rows, pick_dim = std::isinf(ord) ? rows : cols;
    std::string sums = reduce(cx, "ReduceSum", cx.apply("Abs", {a}, false), {sum_dim}, true, false);
    out = reduce(cx, ord > 0 ? "ReduceMax" : "ReduceMin", sums, {pick_dim}, true, keep);
    if (!keep) out = cx.apply("Squeeze", {out, cx.const_ints({std::min(rows, cols), std::max(rows, cols)})});
  }
  cx.set_output(0, cx.cast(out, k, t));
}

// tensordot(a, b, dims_a, dims_b): contracts dims_a of a with dims_b of b, as one Einsum
// (free dims of a, then of b). Integer types run on int64, which wraps as they do.
void emit_tensordot(EmitContext& cx) {
  DType t = cx.out().dtype;
  if (t == DType::Bool) throw cx.error("bool tensors are not supported");
  DType k = is_floating(t) ? kernel_type(t) : DType::Int64;
  auto da = cx.ints_arg(2), db = cx.ints_arg(3);
  if (da.size() != db.size()) throw cx.error("dims_a and dims_b differ in length");
  size_t ra = cx.rank(0), rb = cx.rank(1);
  if (ra + rb > 52) throw cx.error("too many dims for an Einsum equation");
  std::string la, lb, lo;
  auto letter = [](size_t n) { return static_cast<char>(n < 26 ? 'a' + n : 'A' + (n - 26)); };
  for (size_t d = 0; d < ra; ++d) la += letter(d);
  for (size_t d = 0; d < rb; ++d) lb += letter(ra + d);
  std::vector<bool> contracted_a(ra, false), contracted_b(rb, false);
  for (size_t n = 0; n < da.size(); ++n) {
    int64_t x = cx.norm_dim(da[n], ra), y = cx.norm_dim(db[n], rb);
    lb[y] = la[x];
    contracted_a[x] = contracted_b[y] = true;
  }
  for (size_t d = 0; d < ra; ++d)
    if (!contracted_a[d]) lo += la[d];
  for (size_t d = 0; d < rb; ++d)
    if (!contracted_b[d]) lo += lb[d];
  std::string out = cx.fresh("Einsum");
  set_attr(cx.node("Einsum", {cx.tensor_as(0, k), cx.tensor_as(1, k)}, {out}), "equation", la + "," + lb + "->" + lo);
  cx.set_output(0, cx.cast(out, k, t));
}

// aminmax(self, *, dim=None, keepdim=False) -> (min, max); without dim over all elements
// (keepdim then keeps every dim as 1).
void emit_aminmax(EmitContext& cx) {
  DType t = cx.arg(0).dtype, k = t == DType::Bool ? DType::Int32 : kernel_type(t);
  auto axes = cx.is_none(1) ? all_axes(cx.rank(0)) : std::vector<int64_t>{cx.norm_dim(cx.int_arg(1), std::max<size_t>(cx.rank(0), 1))};
  if (cx.rank(0) == 0) axes.clear();
  bool keep = cx.bool_arg(2);
  std::string x = cx.tensor_as(0, k);
  cx.set_output(0, cx.cast(reduce(cx, "ReduceMin", x, axes, keep), k, t));
  cx.set_output(1, cx.cast(reduce(cx, "ReduceMax", x, axes, keep), k, t));
}

}  // namespace

MX_OPS({
    {"aten::linalg_det", 11, emit_linalg_det},
    {"aten::logdet", 11, emit_logdet},
    {"aten::linalg_matrix_norm", 13, emit_linalg_matrix_norm},
    {"aten::tensordot", 12, emit_tensordot},
    {"aten::aminmax", 13, emit_aminmax},
})

}  // namespace mx
