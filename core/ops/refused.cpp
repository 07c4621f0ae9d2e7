// Ops refused on purpose, each with the reason the user is told.
#include "refused.h"

#include "../emit_context.h"
#include "ops.h"

namespace mx {
namespace {

const char* kSampling =
    "it draws random numbers, so the exported graph could not reproduce the model; export in eval mode without "
    "sampling, or pass the random values in as an input";
const char* kLoss = "a loss belongs to training; export the forward that computes the model's outputs, without it";
const char* kFakeQuant =
    "fake quantization is quantization-aware training; export the float model (convert or strip the observers) "
    "and quantize the ONNX file afterwards";
const char* kQuantized = "quantized tensors are not supported; export the float model and quantize the ONNX file";

void emit_refused(EmitContext& cx) {
  for (const auto& [op, reason] : refused_ops())
    if (op == cx.entry().op) throw cx.error("refused on purpose: " + reason);
  throw cx.error("refused on purpose");
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& refused_ops() {
  static const std::vector<std::pair<std::string, std::string>> ops = [] {
    std::vector<std::pair<std::string, std::string>> v;
    for (const char* op : {"aten::bernoulli", "aten::bernoulli_", "aten::multinomial", "aten::normal", "aten::normal_",
                           "aten::rand", "aten::rand_like", "aten::randn", "aten::randn_like", "aten::randint",
                           "aten::randint_like", "aten::randperm", "aten::uniform_", "aten::exponential_",
                           "aten::random_", "aten::poisson", "aten::_sample_dirichlet", "aten::_standard_gamma"})
      v.emplace_back(op, kSampling);
    for (const char* op : {"aten::binary_cross_entropy_with_logits", "aten::binary_cross_entropy",
                           "aten::cross_entropy_loss", "aten::nll_loss", "aten::nll_loss2d", "aten::nll_loss_nd",
                           "aten::kl_div", "aten::mse_loss", "aten::l1_loss", "aten::smooth_l1_loss", "aten::huber_loss"})
      v.emplace_back(op, kLoss);
    for (const char* op : {"aten::fake_quantize_per_tensor_affine", "aten::fake_quantize_per_channel_affine"})
      v.emplace_back(op, kFakeQuant);
    for (const char* op : {"aten::quantize_per_tensor", "aten::quantize_per_channel", "aten::dequantize"})
      v.emplace_back(op, kQuantized);
    return v;
  }();
  return ops;
}

void register_refused(OpRegistry& r) {
  for (const auto& entry : refused_ops()) r.add(entry.first, 1, emit_refused, "core/ops/refused.cpp");
}

}  // namespace mx
