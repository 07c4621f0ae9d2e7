// Activations that are not one-to-one rows: gelu, hardsigmoid, hardswish, hardtanh/relu6,
// silu, softmax/log_softmax (and their in-place forms).
#include <cmath>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// gelu(self, approximate='none'): x/2 * (1 + erf(x/sqrt(2))), or the tanh approximation
// x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))). ONNX's Gelu is opset 20.
void emit_gelu(EmitContext& cx) {
  std::string mode = cx.is_none(1) ? "none" : cx.string_arg(1);
  DType t = cx.out().dtype;
  std::string x = cx.tensor(0);
  std::string inner;
  if (mode == "none") {
    inner = cx.apply("Erf", {cx.apply("Div", {x, cx.const_scalar(std::sqrt(2.0), t)}, false)});
  } else if (mode == "tanh") {
    std::string cube = cx.apply("Mul", {cx.apply("Mul", {x, x}, false), x}, false);
    std::string sum = cx.apply("Add", {x, cx.apply("Mul", {cube, cx.const_scalar(0.044715, t)}, false)}, false);
    inner = cx.apply("Tanh", {cx.apply("Mul", {sum, cx.const_scalar(std::sqrt(2.0 / M_PI), t)}, false)});
  } else {
    throw cx.error("unknown approximate='" + mode + "'");
  }
  std::string one_plus = cx.apply("Add", {inner, cx.const_scalar(1.0, t)}, false);
  std::string half_x = cx.apply("Mul", {x, cx.const_scalar(0.5, t)}, false);
  cx.set_output(0, cx.apply("Mul", {half_x, one_plus}));
}

// hardsigmoid(self) = clamp(x/6 + 1/2, 0, 1)
void emit_hardsigmoid(EmitContext& cx) {
  std::string out = cx.fresh("HardSigmoid");
  auto* n = cx.node("HardSigmoid", {cx.tensor(0)}, {out});
  set_attr(n, "alpha", 1.0f / 6.0f);
  set_attr(n, "beta", 0.5f);
  cx.set_output(0, out);
}

void emit_hardswish(EmitContext& cx) { cx.set_output(0, cx.apply("HardSwish", {cx.tensor(0)})); }

void clip(EmitContext& cx, double lo, double hi) {
  DType t = cx.out().dtype;
  std::string out = cx.fresh("Clip");
  cx.node("Clip", {cx.tensor(0), cx.const_scalar(lo, t), cx.const_scalar(hi, t)}, {out});
  cx.set_output(0, out);
}

// hardtanh(self, min_val=-1, max_val=1)
void emit_hardtanh(EmitContext& cx) {
  clip(cx, cx.arg_count() > 1 ? cx.double_arg(1) : -1.0, cx.arg_count() > 2 ? cx.double_arg(2) : 1.0);
}

void emit_relu6(EmitContext& cx) { clip(cx, 0.0, 6.0); }

// silu(self) = x * sigmoid(x)
void emit_silu(EmitContext& cx) {
  std::string x = cx.tensor(0);
  cx.set_output(0, cx.apply("Mul", {x, cx.apply("Sigmoid", {x}, false)}));
}

// softmax(self, dim, dtype=None) / log_softmax: the input is cast to dtype first.
void emit_softmax_like(EmitContext& cx, const std::string& op) {
  DType t = cx.out().dtype;
  std::string out = cx.fresh(op);
  auto* n = cx.node(op, {cx.tensor_as(0, t)}, {out});
  set_attr(n, "axis", cx.norm_dim(cx.int_arg(1), cx.rank(0)));
  cx.set_output(0, out);
}

void emit_softmax(EmitContext& cx) { emit_softmax_like(cx, "Softmax"); }
void emit_log_softmax(EmitContext& cx) { emit_softmax_like(cx, "LogSoftmax"); }

}  // namespace

MX_OPS({
    {"aten::gelu", 13, emit_gelu},
    {"aten::hardsigmoid", 6, emit_hardsigmoid},
    {"aten::hardswish", 14, emit_hardswish},
    {"aten::hardtanh", 13, emit_hardtanh},
    {"aten::relu6", 13, emit_relu6},
    {"aten::silu", 13, emit_silu},
    {"aten::softmax", 13, emit_softmax},
    {"aten::log_softmax", 13, emit_log_softmax},
    {"aten::_log_softmax", 13, emit_log_softmax},
})

}  // namespace mx
