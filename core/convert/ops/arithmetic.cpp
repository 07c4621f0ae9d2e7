// Elementwise add, sub, rsub, mul, div (all overloads and in-place forms) -> Add/Sub/Mul/Div.
// Operands are cast to the result type the trace observed, which is PyTorch's promotion.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

bool is_float(DType t) {
  return t == DType::Float || t == DType::Double || t == DType::Float16 || t == DType::BFloat16;
}

DType result_type(const EmitContext& cx) {
  // Numbers (aten::mul.int on sizes, ...) are 0-d tensors in the graph.
  if (cx.out().kind == Value::Kind::Int) return DType::Int64;
  if (cx.out().kind == Value::Kind::Double) return DType::Double;
  DType t = cx.out().dtype;
  if (t == DType::Bool) throw cx.error("arithmetic on bool tensors is not supported");
  return t;
}

// `other` scaled by alpha (argument 2), if alpha is not 1.
std::string scaled(EmitContext& cx, size_t i, DType t) {
  std::string v = cx.tensor_as(i, t);
  if (cx.arg_count() < 3 || cx.is_none(2) || cx.double_arg(2) == 1.0) return v;
  return cx.apply("Mul", {v, cx.const_scalar(cx.double_arg(2), t)}, false);
}

// add/sub(self, other, alpha=1); add.t(a, b) joins two lists of sizes (s[:-1] + [2]).
void emit_add(EmitContext& cx) {
  if (cx.entry().overload == "t") {
    std::string out = cx.fresh("Concat");
    set_attr(cx.node("Concat", {cx.ints_input(0), cx.ints_input(1)}, {out}), "axis", static_cast<int64_t>(0));
    return cx.set_output(0, out);
  }
  DType t = result_type(cx);
  cx.set_output(0, cx.apply("Add", {cx.tensor_as(0, t), scaled(cx, 1, t)}));
}

void emit_sub(EmitContext& cx) {
  DType t = result_type(cx);
  cx.set_output(0, cx.apply("Sub", {cx.tensor_as(0, t), scaled(cx, 1, t)}));
}

// rsub(self, other, alpha=1) = other - alpha * self
void emit_rsub(EmitContext& cx) {
  DType t = result_type(cx);
  cx.set_output(0, cx.apply("Sub", {cx.tensor_as(1, t), scaled(cx, 0, t)}));
}

void emit_mul(EmitContext& cx) {
  DType t = result_type(cx);
  cx.set_output(0, cx.apply("Mul", {cx.tensor_as(0, t), cx.tensor_as(1, t)}));
}

// self / other: true division (mode ""), or rounded toward zero ("trunc") or -inf ("floor").
void divide(EmitContext& cx, const std::string& mode) {
  DType t = result_type(cx);
  if (!mode.empty() && mode != "trunc" && mode != "floor") throw cx.error("unknown rounding_mode '" + mode + "'");
  std::string a = cx.tensor_as(0, t), b = cx.tensor_as(1, t);
  if (mode.empty() || (mode == "trunc" && !is_float(t))) {
    // ONNX's integer Div truncates, as PyTorch's rounding_mode='trunc' does.
    cx.set_output(0, cx.apply("Div", {a, b}, true));
    return;
  }
  std::string out;
  if (mode == "floor" && !is_float(t)) {
    // Mod with fmod=0 takes the divisor's sign, so a - mod(a, b) is an exact multiple of b.
    std::string mod = cx.fresh("Mod");
    set_attr(cx.helper("Mod", {a, b}, {mod}), "fmod", static_cast<int64_t>(0));
    out = cx.apply("Div", {cx.apply("Sub", {a, mod}, false), b});
  } else {
    std::string q = cx.apply("Div", {a, b}, true);
    std::string rounded = cx.fresh("Floor");
    if (mode == "floor") {
      cx.helper("Floor", {q}, {rounded});
    } else {
      // trunc(q) = sign(q) * floor(|q|)
      std::string abs = cx.fresh("Abs"), sign = cx.fresh("Sign");
      cx.helper("Abs", {q}, {abs});
      cx.helper("Floor", {abs}, {rounded});
      cx.helper("Sign", {q}, {sign});
      rounded = cx.apply("Mul", {sign, rounded}, false);
    }
    out = rounded;
  }
  cx.set_output(0, out);
}

// div(self, other[, rounding_mode])
void emit_div(EmitContext& cx) { divide(cx, cx.is_none(2) ? "" : cx.string_arg(2)); }

// floor_divide(self, other): rounds toward -inf, as Python's //.
void emit_floor_divide(EmitContext& cx) { divide(cx, "floor"); }

}  // namespace

MX_OPS({
    {"aten::add", 14, emit_add},
    {"aten::sub", 14, emit_sub},
    {"aten::rsub", 14, emit_rsub},
    {"aten::mul", 14, emit_mul},
    {"aten::div", 14, emit_div},
    {"aten::floor_divide", 14, emit_floor_divide},
    {"aten::floordiv", 14, emit_floor_divide},
})

}  // namespace mx
