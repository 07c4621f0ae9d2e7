// More activations: leaky_relu, rrelu (eval), prelu, elu/selu/celu, softplus, mish, glu,
// hardshrink/softshrink, threshold, log_sigmoid (and their in-place forms).
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

double arg_or(const EmitContext& cx, size_t i, double fallback) {
  return i < cx.arg_count() && !cx.is_none(i) ? cx.double_arg(i) : fallback;
}

// The activation's input in the output's type (floats only).
std::string float_input(EmitContext& cx) {
  DType t = cx.out().dtype;
  if (!is_floating(t)) throw cx.error(std::string("is not defined on ") + dtype_name(t) + " tensors");
  return cx.tensor(0);
}

std::string alpha_node(EmitContext& cx, const std::string& op, const std::string& x, double alpha) {
  std::string out = cx.fresh(op);
  set_attr(cx.node(op, {x}, {out}), "alpha", static_cast<float>(alpha));
  return out;
}

// leaky_relu(self, negative_slope=0.01)
void emit_leaky_relu(EmitContext& cx) { cx.set_output(0, alpha_node(cx, "LeakyRelu", float_input(cx), arg_or(cx, 1, 0.01))); }

// rrelu(self, lower=1/8, upper=1/3, training=False): in eval the slope is (lower + upper) / 2.
void emit_rrelu(EmitContext& cx) {
  if (cx.arg_count() > 3 && cx.bool_arg(3)) throw cx.error("training=True samples random slopes: export in eval mode");
  double slope = (arg_or(cx, 1, 1.0 / 8) + arg_or(cx, 2, 1.0 / 3)) / 2;
  cx.set_output(0, alpha_node(cx, "LeakyRelu", float_input(cx), slope));
}

// prelu(self, weight): one slope per channel (dim 1), or one for all.
void emit_prelu(EmitContext& cx) {
  std::string x = float_input(cx), w = cx.tensor(1);
  size_t rank = cx.rank(0);
  if (cx.arg(1).shape.size() == 1 && cx.arg(1).shape[0] > 1 && rank > 2) {
    std::vector<int64_t> shape(rank - 1, 1);
    shape[0] = -1;  // (C, 1, ..., 1) broadcasts over the dims after the channel
    w = cx.apply("Reshape", {w, cx.const_ints(shape)}, false);
  }
  cx.set_output(0, cx.apply("PRelu", {x, w}));
}

// elu(self, alpha=1, scale=1, input_scale=1) = scale * (x > 0 ? x : alpha * (exp(input_scale * x) - 1))
void emit_elu(EmitContext& cx) {
  std::string x = float_input(cx);
  double alpha = arg_or(cx, 1, 1.0), scale = arg_or(cx, 2, 1.0), input_scale = arg_or(cx, 3, 1.0);
  if (scale == 1.0 && input_scale == 1.0) return cx.set_output(0, alpha_node(cx, "Elu", x, alpha));
  DType t = cx.out().dtype;
  std::string neg = cx.apply("Sub", {cx.apply("Exp", {cx.apply("Mul", {x, cx.const_scalar(input_scale, t)}, false)}, false),
                                     cx.const_scalar(1.0, t)},
                             false);
  neg = cx.apply("Mul", {neg, cx.const_scalar(alpha, t)}, false);
  std::string picked = cx.apply("Where", {cx.apply("Greater", {x, cx.const_scalar(0.0, t)}, false), x, neg});
  cx.set_output(0, cx.apply("Mul", {picked, cx.const_scalar(scale, t)}, false));
}

void emit_selu(EmitContext& cx) { cx.set_output(0, cx.apply("Selu", {float_input(cx)})); }

// celu(self, alpha=1) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); ONNX's Celu is float32 only.
void emit_celu(EmitContext& cx) {
  DType t = cx.out().dtype;
  std::string x = cx.cast(float_input(cx), t, DType::Float);
  cx.set_output(0, cx.cast(alpha_node(cx, "Celu", x, arg_or(cx, 1, 1.0)), DType::Float, t));
}

// softplus(self, beta=1, threshold=20) = beta * x > threshold ? x : log(1 + exp(beta * x)) / beta
std::string softplus(EmitContext& cx, const std::string& x, double beta, double threshold, bool primary) {
  DType t = cx.out().dtype;
  std::string bx = beta == 1.0 ? x : cx.apply("Mul", {x, cx.const_scalar(beta, t)}, false);
  std::string sp = cx.apply("Softplus", {bx}, primary);
  if (beta != 1.0) sp = cx.apply("Div", {sp, cx.const_scalar(beta, t)}, false);
  std::string linear = cx.apply("Greater", {bx, cx.const_scalar(threshold, t)}, false);
  return cx.apply("Where", {linear, x, sp}, false);
}

void emit_softplus(EmitContext& cx) {
  cx.set_output(0, softplus(cx, float_input(cx), arg_or(cx, 1, 1.0), arg_or(cx, 2, 20.0), true));
}

// mish(self) = x * tanh(softplus(x)); ONNX's Mish is opset 18.
void emit_mish(EmitContext& cx) {
  std::string x = float_input(cx);
  cx.set_output(0, cx.apply("Mul", {x, cx.apply("Tanh", {softplus(cx, x, 1.0, 20.0, false)}, false)}));
}

// glu(self, dim=-1) = a * sigmoid(b), a and b the halves of dim.
void emit_glu(EmitContext& cx) {
  std::string x = float_input(cx);
  int64_t dim = cx.norm_dim(cx.arg_count() > 1 ? cx.int_arg(1) : -1, cx.rank(0));
  int64_t size = cx.arg(0).shape.at(dim);
  if (size % 2 != 0) throw cx.error("dim " + std::to_string(dim) + " has odd size " + std::to_string(size));
  std::string a = cx.fresh("Split"), b = cx.fresh("Split");
  set_attr(cx.helper("Split", {x, cx.const_ints({size / 2, size / 2})}, {a, b}), "axis", dim);
  cx.set_output(0, cx.apply("Mul", {a, cx.apply("Sigmoid", {b})}, false));
}

// hardshrink(self, lambd=0.5) / softshrink(self, lambd=0.5) -> Shrink
void shrink(EmitContext& cx, bool soft) {
  double lambd = arg_or(cx, 1, 0.5);
  std::string out = cx.fresh("Shrink");
  auto* n = cx.node("Shrink", {float_input(cx)}, {out});
  set_attr(n, "lambd", static_cast<float>(lambd));
  set_attr(n, "bias", static_cast<float>(soft ? lambd : 0.0));
  cx.set_output(0, out);
}

void emit_hardshrink(EmitContext& cx) { shrink(cx, false); }
void emit_softshrink(EmitContext& cx) { shrink(cx, true); }

// threshold(self, threshold, value) = x > threshold ? x : value
void emit_threshold(EmitContext& cx) {
  DType t = cx.out().dtype;
  std::string x = cx.tensor(0);
  std::string keep = cx.apply("Greater", {x, cx.tensor_as(1, t)}, false);
  cx.set_output(0, cx.apply("Where", {keep, x, cx.tensor_as(2, t)}));
}

// log_sigmoid(self) = -softplus(-x), which does not underflow for large negative x.
void emit_log_sigmoid(EmitContext& cx) {
  std::string x = float_input(cx);
  cx.set_output(0, cx.apply("Neg", {cx.apply("Softplus", {cx.apply("Neg", {x}, false)})}, false));
}

}  // namespace

MX_OPS({
    {"aten::leaky_relu", 14, emit_leaky_relu},
    {"aten::rrelu", 14, emit_rrelu},
    {"aten::prelu", 14, emit_prelu},
    {"aten::elu", 14, emit_elu},
    {"aten::selu", 14, emit_selu},
    {"aten::celu", 14, emit_celu},
    {"aten::softplus", 14, emit_softplus},
    {"aten::mish", 14, emit_mish},
    {"aten::glu", 14, emit_glu},
    {"aten::hardshrink", 14, emit_hardshrink},
    {"aten::softshrink", 14, emit_softshrink},
    {"aten::threshold", 14, emit_threshold},
    {"aten::log_sigmoid", 14, emit_log_sigmoid},
})

}  // namespace mx
