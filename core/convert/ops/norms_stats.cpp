// Vector norms (norm, linalg_vector_norm, frobenius_norm) and variance/standard deviation
// (var, std, var_mean, std_mean: the default, dim and correction overloads).
#include <cmath>
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"
#include "convert/ops/reduce_util.h"

namespace mx {
namespace {

// The p-norm of x over axes: L1/L2 reductions, max/min of |x| for +-inf, the count of
// non-zeros for p = 0, else (sum |x|^p)^(1/p).
std::string vector_norm(EmitContext& cx, const std::string& x, DType k, double p, const std::vector<int64_t>& axes,
                        bool keep) {
  if (p == 2.0) return reduce(cx, "ReduceL2", x, axes, keep);
  if (p == 1.0) return reduce(cx, "ReduceL1", x, axes, keep);
  std::string abs = cx.apply("Abs", {x}, false);
  if (std::isinf(p)) return reduce(cx, p > 0 ? "ReduceMax" : "ReduceMin", abs, axes, keep);
  if (p == 0.0) {
    std::string nz = cx.cast(cx.apply("Not", {cx.apply("Equal", {x, cx.const_scalar(0.0, k)}, false)}, false),
                             DType::Bool, k);
    return reduce(cx, "ReduceSum", nz, axes, keep);
  }
  std::string powered = cx.apply("Pow", {abs, cx.const_scalar(p, k)}, false);
  std::string sum = reduce(cx, "ReduceSum", powered, axes, keep, false);
  return cx.apply("Pow", {sum, cx.const_scalar(1.0 / p, k)});
}

double p_arg(const EmitContext& cx, size_t i) { return i < cx.arg_count() && !cx.is_none(i) ? cx.double_arg(i) : 2.0; }

void norm_to_output(EmitContext& cx, double p, const std::vector<int64_t>& axes, bool keep) {
  DType t = cx.out().dtype, k = kernel_type(t);
  if (!is_floating(t)) throw cx.error(std::string("gives ") + dtype_name(t) + ", expected a floating type");
  cx.set_output(0, cx.cast(vector_norm(cx, cx.tensor_as(0, k), k, p, axes, keep), k, t));
}

// norm.Scalar(self, p=2), norm.ScalarOpt_dtype(self, p, dtype), norm.ScalarOpt_dim(self, p,
// dim, keepdim=False), norm.ScalarOpt_dim_dtype(self, p, dim, keepdim, dtype).
void emit_norm(EmitContext& cx) {
  const std::string& o = cx.entry().overload;
  if (cx.arg_count() > 1 && cx.arg(1).kind == Value::Kind::String)
    throw cx.error("norm with p='" + cx.string_arg(1) + "' is not supported (use p=2 for 'fro')");
  bool has_dim = o == "ScalarOpt_dim" || o == "ScalarOpt_dim_dtype";
  norm_to_output(cx, p_arg(cx, 1), has_dim ? reduce_axes(cx, 2) : all_axes(cx.rank(0)), has_dim && cx.bool_arg(3));
}

// linalg_vector_norm(self, ord=2, dim=None, keepdim=False, dtype=None)
void emit_linalg_vector_norm(EmitContext& cx) {
  norm_to_output(cx, p_arg(cx, 1), reduce_axes(cx, 2), cx.bool_arg(3));
}

// frobenius_norm(self) / frobenius_norm.dim(self, dim, keepdim=False): the 2-norm.
void emit_frobenius_norm(EmitContext& cx) {
  bool has_dim = cx.arg_count() > 1;
  norm_to_output(cx, 2.0, has_dim ? reduce_axes(cx, 1) : all_axes(cx.rank(0)), has_dim && cx.bool_arg(2));
}

// linalg_norm(self, ord=None, dim=None, keepdim=False, dtype=None) and its ord_str overload:
// vector norms and the Frobenius norm; other matrix norms need a decomposition.
void emit_linalg_norm(EmitContext& cx) {
  auto axes = reduce_axes(cx, 2);
  bool keep = cx.bool_arg(3);
  if (cx.is_none(1)) return norm_to_output(cx, 2.0, axes, keep);
  if (cx.arg(1).kind == Value::Kind::String) {
    if (cx.string_arg(1) != "fro") throw cx.error("matrix norm ord='" + cx.string_arg(1) + "' is not supported");
    return norm_to_output(cx, 2.0, axes, keep);
  }
  bool vector = cx.is_none(2) ? cx.rank(0) == 1 : cx.ints_arg(2).size() == 1;
  if (!vector) throw cx.error("matrix norms with a numeric ord are not supported (only vector norms and 'fro')");
  norm_to_output(cx, cx.double_arg(1), axes, keep);
}

struct Moments {
  std::vector<int64_t> axes;
  double correction = 1;
  bool keep = false;
};

// var(self, unbiased=True), var.dim(self, dim, unbiased=True, keepdim=False),
// var.correction(self, dim=None, correction=None, keepdim=False); std alike.
Moments bind_moments(const EmitContext& cx) {
  Moments m;
  const std::string& o = cx.entry().overload;
  if (o.empty() || cx.arg_count() == 2) {
    m.axes = all_axes(cx.rank(0));
    m.correction = cx.arg_count() > 1 && !cx.bool_arg(1) ? 0 : 1;
  } else if (o == "dim") {
    m.axes = reduce_axes(cx, 1);
    m.correction = cx.bool_arg(2) ? 1 : 0;
    m.keep = cx.bool_arg(3);
  } else if (o == "correction") {
    m.axes = reduce_axes(cx, 1);
    m.correction = cx.is_none(2) ? 1 : cx.double_arg(2);
    m.keep = cx.bool_arg(3);
  } else {
    throw cx.error("overload '" + o + "' is not supported");
  }
  for (auto a : m.axes)
    if (cx.dim_labels(0).size() > static_cast<size_t>(a) && !cx.dim_labels(0)[a].empty())
      throw cx.error("reducing over the dynamic axis '" + cx.dim_labels(0)[a] + "' is not supported");
  return m;
}

// sum((x - mean)^2) / max(N - correction, 0), and the mean; std takes the square root.
void moments(EmitContext& cx, bool take_sqrt, bool with_mean) {
  DType t = cx.out().dtype, k = kernel_type(t);
  if (!is_floating(t)) throw cx.error(std::string("gives ") + dtype_name(t) + ", expected a floating type");
  Moments m = bind_moments(cx);
  double n = 1;
  for (auto a : m.axes) n *= static_cast<double>(cx.arg(0).shape[a]);
  std::string x = cx.tensor_as(0, k);
  std::string mean = reduce(cx, "ReduceMean", x, m.axes, true, false);
  std::string d = cx.apply("Sub", {x, mean}, false);
  std::string ss = reduce(cx, "ReduceSum", cx.apply("Mul", {d, d}, false), m.axes, m.keep, false);
  std::string var = cx.apply("Div", {ss, cx.const_scalar(std::max(n - m.correction, 0.0), k)}, !take_sqrt);
  if (take_sqrt) var = cx.apply("Sqrt", {var});
  cx.set_output(0, cx.cast(var, k, t));
  if (with_mean) {
    std::string mean_out = m.keep ? mean : reduce(cx, "ReduceMean", x, m.axes, false, false);
    cx.set_output(1, cx.cast(mean_out, k, t));
  }
}

void emit_var(EmitContext& cx) { moments(cx, false, false); }
void emit_std(EmitContext& cx) { moments(cx, true, false); }
void emit_var_mean(EmitContext& cx) { moments(cx, false, true); }
void emit_std_mean(EmitContext& cx) { moments(cx, true, true); }

}  // namespace

MX_OPS({
    {"aten::norm", 14, emit_norm},
    {"aten::linalg_vector_norm", 14, emit_linalg_vector_norm},
    {"aten::frobenius_norm", 14, emit_frobenius_norm},
    {"aten::linalg_norm", 14, emit_linalg_norm},
    {"aten::var", 14, emit_var},
    {"aten::std", 14, emit_std},
    {"aten::var_mean", 14, emit_var_mean},
    {"aten::std_mean", 14, emit_std_mean},
})

}  // namespace mx
