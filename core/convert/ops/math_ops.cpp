// Elementwise math: pow, rsqrt, square, floor/ceil/round, sign, clamp/clip (+_min/_max),
// remainder, fmod, log2/log10/log1p, tan and the inverse trigonometric functions.
#include <cmath>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

// Argument i in the output's type as ONNX Runtime's kernels take it.
std::string operand(EmitContext& cx, size_t i, DType k) { return cx.tensor_as(i, k); }

// pow.Tensor_Tensor / Tensor_Scalar / Scalar(self, exponent): both in the result type.
void emit_pow(EmitContext& cx) {
  DType t = cx.out().dtype;
  if (t == DType::Bool) throw cx.error("pow on bool tensors is not supported");
  DType k = kernel_type(t);
  cx.set_output(0, cx.cast(cx.apply("Pow", {operand(cx, 0, k), operand(cx, 1, k)}), k, t));
}

// A unary op on floats; integer inputs give the default float type first, as PyTorch does.
void unary_float(EmitContext& cx, const std::string& op) {
  DType t = cx.out().dtype;
  if (!is_floating(t)) throw cx.error(std::string("gives ") + dtype_name(t) + ", expected a floating type");
  DType k = kernel_type(t);
  cx.set_output(0, cx.cast(cx.apply(op, {cx.tensor_as(0, k)}), k, t));
}

void emit_rsqrt(EmitContext& cx) {
  DType t = cx.out().dtype, k = kernel_type(t);
  cx.set_output(0, cx.cast(cx.apply("Reciprocal", {cx.apply("Sqrt", {cx.tensor_as(0, k)}, false)}), k, t));
}

void emit_tan(EmitContext& cx) { unary_float(cx, "Tan"); }
void emit_asin(EmitContext& cx) { unary_float(cx, "Asin"); }
void emit_acos(EmitContext& cx) { unary_float(cx, "Acos"); }
void emit_atan(EmitContext& cx) { unary_float(cx, "Atan"); }

// log2/log10(x) = ln(x) / ln(base); log1p(x) = ln(1 + x).
void log_base(EmitContext& cx, double base) {
  DType t = cx.out().dtype, k = kernel_type(t);
  std::string ln = cx.apply("Log", {cx.tensor_as(0, k)}, false);
  cx.set_output(0, cx.cast(cx.apply("Div", {ln, cx.const_scalar(std::log(base), k)}), k, t));
}

void emit_log2(EmitContext& cx) { log_base(cx, 2.0); }
void emit_log10(EmitContext& cx) { log_base(cx, 10.0); }

void emit_log1p(EmitContext& cx) {
  DType t = cx.out().dtype, k = kernel_type(t);
  std::string sum = cx.apply("Add", {cx.tensor_as(0, k), cx.const_scalar(1.0, k)}, false);
  cx.set_output(0, cx.cast(cx.apply("Log", {sum}), k, t));
}

void emit_square(EmitContext& cx) {
  DType t = cx.out().dtype, k = kernel_type(t == DType::Bool ? DType::Int64 : t);
  std::string x = cx.tensor_as(0, k);
  cx.set_output(0, cx.cast(cx.apply("Mul", {x, x}), k, t));
}

// floor/ceil/round of integers (and bools for floor/ceil) change nothing.
void rounding(EmitContext& cx, const std::string& op) {
  DType t = cx.arg(0).dtype;
  if (!is_floating(t)) return cx.set_output(0, cx.tensor(0));
  unary_float(cx, op);
}

void emit_floor(EmitContext& cx) { rounding(cx, "Floor"); }
void emit_ceil(EmitContext& cx) { rounding(cx, "Ceil"); }

// round(self) / round.decimals(self, decimals): half to even, as ONNX's Round; with decimals
// scaled by 10^decimals first, as PyTorch does.
void emit_round(EmitContext& cx) {
  int64_t decimals = cx.arg_count() > 1 && !cx.is_none(1) ? cx.int_arg(1) : 0;
  if (decimals == 0) return rounding(cx, "Round");
  DType t = cx.out().dtype, k = kernel_type(t);
  if (!is_floating(t)) throw cx.error("round with decimals needs a floating tensor");
  std::string scale = cx.const_scalar(std::pow(10.0, static_cast<double>(decimals)), k);
  std::string r = cx.apply("Round", {cx.apply("Mul", {cx.tensor_as(0, k), scale}, false)}, false);
  cx.set_output(0, cx.cast(cx.apply("Div", {r, scale}), k, t));
}

void emit_sign(EmitContext& cx) {
  DType t = cx.arg(0).dtype;
  if (t == DType::Bool) return cx.set_output(0, cx.tensor(0));
  DType k = kernel_type(t);
  cx.set_output(0, cx.cast(cx.apply("Sign", {cx.tensor_as(0, k)}), k, t));
}

// clamp(self, min=None, max=None) with Scalar or Tensor bounds = min(max(x, min), max):
// min > max gives max, as in PyTorch. Operands in the result type.
void clamp(EmitContext& cx, int lo_arg, int hi_arg) {
  DType t = cx.out().dtype, k = kernel_type(t);
  bool has_lo = lo_arg >= 0 && !cx.is_none(lo_arg), has_hi = hi_arg >= 0 && !cx.is_none(hi_arg);
  if (!has_lo && !has_hi) throw cx.error("needs at least one of min and max");
  std::string x = cx.tensor_as(0, k);
  if (has_lo) x = cx.apply("Max", {x, cx.tensor_as(lo_arg, k)}, !has_hi);
  if (has_hi) x = cx.apply("Min", {x, cx.tensor_as(hi_arg, k)});
  cx.set_output(0, cx.cast(x, k, t));
}

void emit_clamp(EmitContext& cx) { clamp(cx, 1, cx.arg_count() > 2 ? 2 : -1); }
void emit_clamp_min(EmitContext& cx) { clamp(cx, 1, -1); }
void emit_clamp_max(EmitContext& cx) { clamp(cx, -1, 1); }

// remainder(self, other): the sign of the divisor (Python's %). Mod with fmod=0 does it for
// integers; floats take a - floor(a / b) * b.
void emit_remainder(EmitContext& cx) {
  DType t = cx.out().dtype, k = kernel_type(t);
  std::string a = cx.tensor_as(0, k), b = cx.tensor_as(1, k);
  if (!is_floating(t)) {
    std::string out = cx.fresh("Mod");
    set_attr(cx.node("Mod", {a, b}, {out}), "fmod", static_cast<int64_t>(0));
    return cx.set_output(0, cx.cast(out, k, t));
  }
  std::string q = cx.apply("Floor", {cx.apply("Div", {a, b}, false)}, false);
  cx.set_output(0, cx.cast(cx.apply("Sub", {a, cx.apply("Mul", {q, b}, false)}), k, t));
}

// fmod(self, other): the sign of the dividend (C's fmod), ONNX's Mod with fmod=1.
void emit_fmod(EmitContext& cx) {
  DType t = cx.out().dtype, k = kernel_type(t);
  std::string out = cx.fresh("Mod");
  set_attr(cx.node("Mod", {cx.tensor_as(0, k), cx.tensor_as(1, k)}, {out}), "fmod", static_cast<int64_t>(1));
  cx.set_output(0, cx.cast(out, k, t));
}

}  // namespace

MX_OPS({
    {"aten::pow", 14, emit_pow},
    {"aten::rsqrt", 14, emit_rsqrt},
    {"aten::square", 14, emit_square},
    {"aten::tan", 14, emit_tan},
    {"aten::asin", 14, emit_asin},
    {"aten::acos", 14, emit_acos},
    {"aten::atan", 14, emit_atan},
    {"aten::log2", 14, emit_log2},
    {"aten::log10", 14, emit_log10},
    {"aten::log1p", 14, emit_log1p},
    {"aten::floor", 14, emit_floor},
    {"aten::ceil", 14, emit_ceil},
    {"aten::round", 14, emit_round},
    {"aten::sign", 14, emit_sign},
    {"aten::clamp", 14, emit_clamp},
    {"aten::clamp_min", 14, emit_clamp_min},
    {"aten::clamp_max", 14, emit_clamp_max},
    {"aten::remainder", 14, emit_remainder},
    {"aten::fmod", 14, emit_fmod},
})

}  // namespace mx
