// Ops refused on purpose, each with the reason the user is told: sampling, losses, fake
// quantization, quantized tensors.
#include "convert/ops/refused.h"

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

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

void emit_sampling(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kSampling); }
void emit_loss(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kLoss); }
void emit_fake_quant(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kFakeQuant); }
void emit_quantized(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kQuantized); }

}  // namespace

const char* refusal_reason(Emitter emit) {
  if (emit == emit_sampling) return kSampling;
  if (emit == emit_loss) return kLoss;
  if (emit == emit_fake_quant) return kFakeQuant;
  if (emit == emit_quantized) return kQuantized;
  return nullptr;
}

// Opset 1: refused at every opset, with the reason rather than an opset complaint.
MX_OPS({
    {"aten::bernoulli", 1, emit_sampling},
    {"aten::multinomial", 1, emit_sampling},
    {"aten::normal", 1, emit_sampling},
    {"aten::rand", 1, emit_sampling},
    {"aten::rand_like", 1, emit_sampling},
    {"aten::randn", 1, emit_sampling},
    {"aten::randn_like", 1, emit_sampling},
    {"aten::randint", 1, emit_sampling},
    {"aten::randint_like", 1, emit_sampling},
    {"aten::randperm", 1, emit_sampling},
    {"aten::uniform", 1, emit_sampling},  // only its in-place form aten::uniform_ exists
    {"aten::exponential", 1, emit_sampling},  // only its in-place form aten::exponential_ exists
    {"aten::random", 1, emit_sampling},  // only its in-place form aten::random_ exists
    {"aten::poisson", 1, emit_sampling},
    {"aten::_sample_dirichlet", 1, emit_sampling},
    {"aten::_standard_gamma", 1, emit_sampling},
    {"aten::binary_cross_entropy_with_logits", 1, emit_loss},
    {"aten::binary_cross_entropy", 1, emit_loss},
    {"aten::cross_entropy_loss", 1, emit_loss},
    {"aten::nll_loss", 1, emit_loss},
    {"aten::nll_loss2d", 1, emit_loss},
    {"aten::nll_loss_nd", 1, emit_loss},
    {"aten::kl_div", 1, emit_loss},
    {"aten::mse_loss", 1, emit_loss},
    {"aten::l1_loss", 1, emit_loss},
    {"aten::smooth_l1_loss", 1, emit_loss},
    {"aten::huber_loss", 1, emit_loss},
    {"aten::fake_quantize_per_tensor_affine", 1, emit_fake_quant},
    {"aten::fake_quantize_per_channel_affine", 1, emit_fake_quant},
    {"aten::quantize_per_tensor", 1, emit_quantized},
    {"aten::quantize_per_channel", 1, emit_quantized},
    {"aten::dequantize", 1, emit_quantized},
})

}  // namespace mx
