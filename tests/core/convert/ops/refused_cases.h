// Ops refused on purpose (tests/fixtures/refused_cases.py), with the words their one-line
// conversion error must contain: the op, its module and why.
#pragma once

#include <utility>

namespace mx::test {

inline const std::pair<const char*, const char*> kRefusedCases[] = {
    {"refused_bernoulli", "aten::bernoulli in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_rand_constant_size", "aten::rand in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_randn_like", "aten::randn_like in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_multinomial", "aten::multinomial in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_dropout_training", "aten::dropout in module '<root>' (Fn): dropout in training mode is not supported"},
    {"refused_nll_loss", "aten::nll_loss_nd in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_mse_loss", "aten::mse_loss in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_normal", "aten::normal.Tensor_float in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_rand_like", "aten::rand_like in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_randint", "aten::randint.low in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_randint_like", "aten::randint_like in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_randn", "aten::randn in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_randperm", "aten::randperm in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_random_", "aten::random_.to in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_uniform_", "aten::uniform_ in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_exponential_", "aten::exponential_ in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_poisson", "aten::poisson in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_standard_gamma", "aten::_standard_gamma in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_sample_dirichlet", "aten::_sample_dirichlet in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_bce", "aten::binary_cross_entropy in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_bce_with_logits", "aten::binary_cross_entropy_with_logits in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_cross_entropy", "aten::cross_entropy_loss in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_nll_loss_1d", "aten::nll_loss in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_nll_loss2d", "aten::nll_loss2d in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_kl_div", "aten::kl_div in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_l1_loss", "aten::l1_loss in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_smooth_l1_loss", "aten::smooth_l1_loss in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_huber_loss", "aten::huber_loss in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_quantize_per_tensor", "aten::quantize_per_tensor in module '<root>' (Fn): refused on purpose: quantized tensors are not supported"},
    {"refused_quantize_per_channel", "aten::quantize_per_channel in module '<root>' (Fn): refused on purpose: quantized tensors are not supported"},
    {"refused_fake_quantize_per_channel", "aten::fake_quantize_per_channel_affine in module '<root>' (Fn): refused on purpose: fake quantization"},
    {"refused_fake_quantize",
     "aten::fake_quantize_per_tensor_affine in module '<root>' (Fn): refused on purpose: fake quantization"},
};

}  // namespace mx::test
