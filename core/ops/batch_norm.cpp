// aten::batch_norm in eval mode -> BatchNormalization.
#include "../emit_context.h"
#include "ops.h"

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

}  // namespace

void register_batch_norm(OpRegistry& r) { r.add("aten::batch_norm", 15, emit_batch_norm, "core/ops/batch_norm.cpp"); }

}  // namespace mx
