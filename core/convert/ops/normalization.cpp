// aten::batch_norm in eval mode -> BatchNormalization; aten::layer_norm -> LayerNormalization
// (opset 17) or its decomposition below 17.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// aten::batch_norm(input, weight?, bias?, running_mean?, running_var?, training, momentum, eps, cudnn_enabled)
void emit_batch_norm(EmitContext& cx) {
  const auto& input = cx.arg(0);
  if (!input.is_tensor() || input.shape.size() < 2) throw cx.error("input must be a tensor of rank >= 2");
  if (cx.bool_arg(5))
    throw cx.error("training-mode batch norm (batch statistics) is not supported; export the model in eval mode");
  if (cx.is_none(3) || cx.is_none(4)) throw cx.error("batch norm without running statistics is not supported");
  double eps = cx.double_arg(7);
  DType dtype = input.dtype;
  int64_t channels = input.shape[1];
  auto param = [&](size_t i, double fill) {
    if (!cx.is_none(i)) return cx.tensor_as(i, dtype);
    // PyTorch treats a missing weight as ones and a missing bias as zeros.
    std::string one = cx.const_scalar(fill, dtype);
    std::string out = cx.fresh("Expand");
    cx.helper("Expand", {one, cx.const_ints({channels})}, {out});
    return out;
  };
  std::vector<std::string> inputs{cx.tensor(0), param(1, 1.0), param(2, 0.0), cx.tensor_as(3, dtype),
                                  cx.tensor_as(4, dtype)};
  std::string out = cx.fresh("BatchNormalization");
  auto* n = cx.node("BatchNormalization", inputs, {out});
  set_attr(n, "epsilon", static_cast<float>(eps));
  set_attr(n, "momentum", static_cast<float>(1.0 - cx.double_arg(6)));
  cx.set_output(0, out);
}

// Scale or bias of layer_norm, or a constant `fill` of the normalized shape when absent.
std::string affine(EmitContext& cx, size_t i, double fill, const std::vector<int64_t>& shape) {
  DType t = cx.out().dtype;
  if (!cx.is_none(i)) return cx.tensor_as(i, t);
  return cx.apply("Expand", {cx.const_scalar(fill, t), cx.const_ints(shape)}, false);
}

// layer_norm(input, normalized_shape, weight?, bias?, eps, cudnn_enable), opset 17.
void emit_layer_norm(EmitContext& cx) {
  auto shape = cx.ints_arg(1);
  int64_t axis = -static_cast<int64_t>(shape.size());
  std::string out = cx.fresh("LayerNormalization");
  auto* n = cx.node("LayerNormalization", {cx.tensor(0), affine(cx, 2, 1.0, shape), affine(cx, 3, 0.0, shape)}, {out});
  set_attr(n, "axis", axis);
  set_attr(n, "epsilon", static_cast<float>(cx.double_arg(4)));
  cx.set_output(0, out);
}

// Below opset 17: (x - mean) / sqrt(var + eps) * weight + bias over the last dims.
void emit_layer_norm_decomposed(EmitContext& cx) {
  auto shape = cx.ints_arg(1);
  DType t = cx.out().dtype;
  std::vector<int64_t> axes;
  for (size_t k = 0; k < shape.size(); ++k) axes.push_back(-static_cast<int64_t>(k) - 1);
  auto mean = [&](const std::string& x) {
    std::string out = cx.fresh("ReduceMean");
    auto* n = cx.node("ReduceMean", {x}, {out});
    set_attr(n, "axes", axes);
    set_attr(n, "keepdims", static_cast<int64_t>(1));
    return out;
  };
  std::string x = cx.tensor(0);
  std::string centered = cx.apply("Sub", {x, mean(x)});
  std::string var = mean(cx.apply("Mul", {centered, centered}));
  std::string denom = cx.apply("Sqrt", {cx.apply("Add", {var, cx.const_scalar(cx.double_arg(4), t)})});
  std::string normed = cx.apply("Div", {centered, denom});
  std::string scaled = cx.apply("Mul", {normed, affine(cx, 2, 1.0, shape)});
  cx.set_output(0, cx.apply("Add", {scaled, affine(cx, 3, 0.0, shape)}));
}

}  // namespace

MX_OPS({
    {"aten::batch_norm", 15, emit_batch_norm},
    {"aten::layer_norm", 13, emit_layer_norm_decomposed},
    {"aten::layer_norm", 17, emit_layer_norm},
})

}  // namespace mx
