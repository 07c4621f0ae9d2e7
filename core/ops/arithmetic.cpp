// Elementwise add, sub, rsub, mul, div (all overloads and in-place forms) -> Add/Sub/Mul/Div.
// Operands are cast to the result type the trace observed, which is PyTorch's promotion.
#include "../emit_context.h"
#include "ops.h"

namespace mx {
namespace {

bool is_float(DType t) {
  return t == DType::Float || t == DType::Double || t == DType::Float16 || t == DType::BFloat16;
}

std::string binary(EmitContext& cx, const std::string& op, const std::string& a, const std::string& b, bool primary) {
  std::string out = cx.fresh(op);
  if (primary)
    cx.node(op, {a, b}, {out});
  else
    cx.helper(op, {a, b}, {out});
  return out;
}

DType result_type(const EmitContext& cx) {
  DType t = cx.out().dtype;
  if (t == DType::Bool) throw cx.error("arithmetic on bool tensors is not supported");
  return t;
}

// `other` scaled by alpha (argument 2), if alpha is not 1.
std::string scaled(EmitContext& cx, size_t i, DType t) {
  std::string v = cx.tensor_as(i, t);
  if (cx.arg_count() < 3 || cx.is_none(2) || cx.double_arg(2) == 1.0) return v;
  return binary(cx, "Mul", v, cx.const_scalar(cx.double_arg(2), t), false);
}

// add/sub(self, other, alpha=1)
void emit_add(EmitContext& cx) {
  DType t = result_type(cx);
  cx.set_output(0, binary(cx, "Add", cx.tensor_as(0, t), scaled(cx, 1, t), true));
}

void emit_sub(EmitContext& cx) {
  DType t = result_type(cx);
  cx.set_output(0, binary(cx, "Sub", cx.tensor_as(0, t), scaled(cx, 1, t), true));
}

// rsub(self, other, alpha=1) = other - alpha * self
void emit_rsub(EmitContext& cx) {
  DType t = result_type(cx);
  cx.set_output(0, binary(cx, "Sub", cx.tensor_as(1, t), scaled(cx, 0, t), true));
}

void emit_mul(EmitContext& cx) {
  DType t = result_type(cx);
  cx.set_output(0, binary(cx, "Mul", cx.tensor_as(0, t), cx.tensor_as(1, t), true));
}

// div(self, other[, rounding_mode]): true division, or rounded toward zero or -inf.
void emit_div(EmitContext& cx) {
  DType t = result_type(cx);
  std::string mode = cx.is_none(2) ? "" : cx.string_arg(2);
  if (!mode.empty() && mode != "trunc" && mode != "floor") throw cx.error("unknown rounding_mode '" + mode + "'");
  std::string a = cx.tensor_as(0, t), b = cx.tensor_as(1, t);
  if (mode.empty() || (mode == "trunc" && !is_float(t))) {
    // ONNX's integer Div truncates, as PyTorch's rounding_mode='trunc' does.
    cx.set_output(0, binary(cx, "Div", a, b, true));
    return;
  }
  std::string out;
  if (mode == "floor" && !is_float(t)) {
    // Mod with fmod=0 takes the divisor's sign, so a - mod(a, b) is an exact multiple of b.
    std::string mod = cx.fresh("Mod");
    set_attr(cx.helper("Mod", {a, b}, {mod}), "fmod", static_cast<int64_t>(0));
    out = binary(cx, "Div", binary(cx, "Sub", a, mod, false), b, true);
  } else {
    std::string q = binary(cx, "Div", a, b, true);
    std::string rounded = cx.fresh("Floor");
    if (mode == "floor") {
      cx.helper("Floor", {q}, {rounded});
    } else {
      // trunc(q) = sign(q) * floor(|q|)
      std::string abs = cx.fresh("Abs"), sign = cx.fresh("Sign");
      cx.helper("Abs", {q}, {abs});
      cx.helper("Floor", {abs}, {rounded});
      cx.helper("Sign", {q}, {sign});
      rounded = binary(cx, "Mul", sign, rounded, false);
    }
    out = rounded;
  }
  cx.set_output(0, out);
}

}  // namespace

void register_arithmetic(OpRegistry& r) {
  const char* src = "core/ops/arithmetic.cpp";
  for (const char* op : {"aten::add", "aten::add_"}) r.add(op, 14, emit_add, src);
  for (const char* op : {"aten::sub", "aten::sub_"}) r.add(op, 14, emit_sub, src);
  r.add("aten::rsub", 14, emit_rsub, src);
  for (const char* op : {"aten::mul", "aten::mul_"}) r.add(op, 14, emit_mul, src);
  for (const char* op : {"aten::div", "aten::div_"}) r.add(op, 14, emit_div, src);
}

}  // namespace mx
