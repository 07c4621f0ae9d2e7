// Ops refused on purpose, each with the reason the user is told: sampling, losses, fake
// quantization, quantized tensors, packed sequences, weights renormalised in place; and the
// registry's ops that torch 1.13 graphs cannot hold.
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
const char* kPacked =
    "a packed sequence's layout (its batch_sizes) depends on the lengths' values, which an ONNX graph fixes at "
    "export; run the RNN on the padded batch instead (ONNX's LSTM/GRU/RNN take a sequence_lens input for that)";
const char* kRenorm =
    "max_norm renormalises the embedding's weight in place as the model runs, and an ONNX graph's weights are "
    "constants; renormalise every row once before export (torch.embedding_renorm_(weight, torch.arange(rows), "
    "max_norm, norm_type) under torch.no_grad(), the same rows any lookup would give) and set max_norm=None";

void emit_sampling(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kSampling); }
void emit_loss(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kLoss); }
void emit_fake_quant(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kFakeQuant); }
void emit_quantized(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kQuantized); }
void emit_packed(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kPacked); }
void emit_renorm(EmitContext& cx) { throw cx.error(std::string("refused on purpose: ") + kRenorm); }

}  // namespace

const std::vector<OpNote>& refused_without_entry() {
  static const std::vector<OpNote> ops{
      {"aten::_cast_Bool", "torch 1.13 has no such op (its _cast_* ops are Byte, Char, Double, Float, Half, Int, Long, "
                           "Short); .bool() records aten::to, which converts"},
      {"aten::_cast_BFloat16", "torch 1.13 has no such op (its _cast_* ops are Byte, Char, Double, Float, Half, Int, "
                               "Long, Short); .bfloat16() records aten::to, which converts"},
      {"aten::_cast_ComplexFloat", "torch 1.13 has no such op, and complex tensors are not supported"},
      {"aten::_cast_ComplexDouble", "torch 1.13 has no such op, and complex tensors are not supported"},
      {"aten::_conj", "defined for complex tensors only (LibTorch asserts on a real one), and complex tensors are not "
                      "supported; conj() of a real tensor records nothing"},
      {"aten::_floor_divide", "torch 1.13 has no such op; // and torch.floor_divide record aten::floor_divide, which "
                              "converts"},
      {"aten::true_divide", "TorchScript records aten::div for torch.true_divide (traced, scripted, or called as "
                            "torch.ops.aten.true_divide), which converts"},
      {"aten::tanhshrink", "torch 1.13 has no such op; F.tanhshrink records aten::tanh and aten::sub, which convert"},
      {"aten::get_pool_ceil_padding",
       "not an operator: a helper of torch.onnx's pooling symbolics (the extra padding ceil_mode needs) that its "
       "registry also lists; no TorchScript graph contains it, and our pooling converters check ceil_mode windows"},
      {"aten::scan",
       "not an operator: torch.onnx lists it only to block it at opset 7; torch 1.13 has no aten::scan, so no "
       "TorchScript graph contains it"},
  };
  return ops;
}

const char* refusal_reason(Emitter emit) {
  if (emit == emit_sampling) return kSampling;
  if (emit == emit_loss) return kLoss;
  if (emit == emit_fake_quant) return kFakeQuant;
  if (emit == emit_quantized) return kQuantized;
  if (emit == emit_packed) return kPacked;
  if (emit == emit_renorm) return kRenorm;
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
    {"aten::_pack_padded_sequence", 1, emit_packed},
    {"aten::_pad_packed_sequence", 1, emit_packed},
    {"aten::embedding_renorm", 1, emit_renorm},  // nn.Embedding(max_norm=...) records embedding_renorm_
})

}  // namespace mx
