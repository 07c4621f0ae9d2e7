// Reductions beyond mean/sum: max/min (all, over a dim with indices, elementwise), amax/amin,
// argmax/argmin, prod, all/any, cumsum, logsumexp.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"
#include "convert/ops/reduce_util.h"

namespace mx {
namespace {

// Bool reductions and comparisons run on int32 (ONNX Runtime has no bool ReduceMax).
DType reduce_kernel(DType t) { return t == DType::Bool ? DType::Int32 : kernel_type(t); }

// Reduce op over arg 0 (all dims, or the dims of arg 1), in the output's type.
void reduce_over(EmitContext& cx, const std::string& op, int dims_arg, int keepdim_arg) {
  DType t = cx.out().dtype, k = reduce_kernel(t);
  auto axes = dims_arg >= 0 ? reduce_axes(cx, dims_arg) : all_axes(cx.rank(0));
  bool keep = keepdim_arg >= 0 && cx.bool_arg(keepdim_arg);
  cx.set_output(0, cx.cast(reduce(cx, op, cx.tensor_as(0, k), axes, keep), k, t));
}

// arg{max,min} over `axis` of x (kernel-typed), keepdims as given; first index on ties.
std::string arg_reduce(EmitContext& cx, const std::string& op, const std::string& x, int64_t axis, bool keep) {
  std::string out = cx.fresh(op);
  auto* n = cx.node(op, {x}, {out});
  set_attr(n, "axis", axis);
  set_attr(n, "keepdims", static_cast<int64_t>(keep));
  return out;
}

// max/min(self) over all; max/min.dim(self, dim, keepdim) -> (values, indices);
// max/min.other(self, other) elementwise.
void max_min(EmitContext& cx, bool is_max) {
  std::string reduce_op = is_max ? "ReduceMax" : "ReduceMin";
  if (cx.arg_count() == 1) return reduce_over(cx, reduce_op, -1, -1);
  if (cx.arg(1).kind == Value::Kind::Tensor) {
    DType t = cx.out().dtype, k = reduce_kernel(t);
    std::string r = cx.apply(is_max ? "Max" : "Min", {cx.tensor_as(0, k), cx.tensor_as(1, k)});
    return cx.set_output(0, cx.cast(r, k, t));
  }
  DType t = cx.arg(0).dtype, k = reduce_kernel(t);
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0));
  bool keep = cx.bool_arg(2);
  std::string x = cx.tensor_as(0, k);
  cx.set_output(0, cx.cast(reduce(cx, reduce_op, x, {dim}, keep), k, t));
  cx.set_output(1, arg_reduce(cx, is_max ? "ArgMax" : "ArgMin", x, dim, keep));
}

void emit_max(EmitContext& cx) { max_min(cx, true); }
void emit_min(EmitContext& cx) { max_min(cx, false); }

// maximum/minimum(self, other)
void elementwise(EmitContext& cx, const std::string& op) {
  DType t = cx.out().dtype, k = reduce_kernel(t);
  cx.set_output(0, cx.cast(cx.apply(op, {cx.tensor_as(0, k), cx.tensor_as(1, k)}), k, t));
}

void emit_maximum(EmitContext& cx) { elementwise(cx, "Max"); }
void emit_minimum(EmitContext& cx) { elementwise(cx, "Min"); }

// amax/amin(self, dim=[], keepdim=False): an empty dim list reduces all.
void emit_amax(EmitContext& cx) { reduce_over(cx, "ReduceMax", 1, 2); }
void emit_amin(EmitContext& cx) { reduce_over(cx, "ReduceMin", 1, 2); }

// argmax/argmin(self, dim=None, keepdim=False): without dim, the index into the flattened
// tensor (shaped as the trace saw the result).
void argmaxmin(EmitContext& cx, const std::string& op) {
  DType t = cx.arg(0).dtype, k = reduce_kernel(t);
  std::string x = cx.tensor_as(0, k);
  if (cx.arg_count() < 2 || cx.is_none(1)) {
    std::string flat = cx.apply("Reshape", {x, cx.const_ints({-1})}, false);
    std::string idx = arg_reduce(cx, op, flat, 0, false);
    std::vector<int64_t> shape = cx.out().shape;
    return cx.set_output(0, cx.apply("Reshape", {idx, cx.const_ints(shape)}, false));
  }
  bool keep = cx.arg_count() > 2 && cx.bool_arg(2);
  cx.set_output(0, arg_reduce(cx, op, x, cx.norm_dim(cx.int_arg(1), std::max<size_t>(cx.rank(0), 1)), keep));
}

void emit_argmax(EmitContext& cx) { argmaxmin(cx, "ArgMax"); }
void emit_argmin(EmitContext& cx) { argmaxmin(cx, "ArgMin"); }

// prod(self, dtype=None) / prod.dim_int(self, dim, keepdim=False, dtype=None)
void emit_prod(EmitContext& cx) {
  bool has_dim = cx.arg_count() == 4;
  reduce_over(cx, "ReduceProd", has_dim ? 1 : -1, has_dim ? 2 : -1);
}

// all/any(self) / all/any.dim(self, dim, keepdim=False): non-zero is true; the result is
// bool (uint8 for uint8 input, as PyTorch keeps it).
void all_any(EmitContext& cx, const std::string& op) {
  auto axes = cx.arg_count() > 1 ? reduce_axes(cx, 1) : all_axes(cx.rank(0));
  bool keep = cx.arg_count() > 2 && cx.bool_arg(2);
  std::string b = cx.cast(cx.tensor_as(0, DType::Bool), DType::Bool, DType::Int32);
  std::string r = cx.cast(reduce(cx, op, b, axes, keep), DType::Int32, DType::Bool);
  cx.set_output(0, cx.cast(r, DType::Bool, cx.out().dtype));
}

void emit_all(EmitContext& cx) { all_any(cx, "ReduceMin"); }
void emit_any(EmitContext& cx) { all_any(cx, "ReduceMax"); }

// cumsum(self, dim, dtype=None): integers accumulate in int64, as PyTorch does.
void emit_cumsum(EmitContext& cx) {
  DType t = cx.out().dtype, k = reduce_kernel(t);
  int64_t dim = cx.norm_dim(cx.int_arg(1), std::max<size_t>(cx.rank(0), 1));
  std::string out = cx.fresh("CumSum");
  cx.node("CumSum", {cx.tensor_as(0, k), cx.const_ints({dim}, true)}, {out});
  cx.set_output(0, cx.cast(out, k, t));
}

// logsumexp(self, dim, keepdim=False)
void emit_logsumexp(EmitContext& cx) { reduce_over(cx, "ReduceLogSumExp", 1, 2); }

}  // namespace

MX_OPS({
    {"aten::max", 14, emit_max},
    {"aten::min", 14, emit_min},
    {"aten::maximum", 14, emit_maximum},
    {"aten::minimum", 14, emit_minimum},
    {"aten::amax", 14, emit_amax},
    {"aten::amin", 14, emit_amin},
    {"aten::argmax", 14, emit_argmax},
    {"aten::argmin", 14, emit_argmin},
    {"aten::prod", 14, emit_prod},
    {"aten::all", 14, emit_all},
    {"aten::any", 14, emit_any},
    {"aten::cumsum", 14, emit_cumsum},
    {"aten::logsumexp", 14, emit_logsumexp},
})

}  // namespace mx
