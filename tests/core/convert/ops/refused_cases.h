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
    {"refused_pack_padded_sequence",
     "aten::_pack_padded_sequence in module '<root>' (Fn): refused on purpose: a packed sequence's layout"},
    {"refused_pad_packed_sequence",
     "aten::_pad_packed_sequence in module '<root>' (Fn): refused on purpose: a packed sequence's layout"},
    {"refused_embedding_max_norm",
     "aten::embedding_renorm_ in module 'emb' (Embedding): refused on purpose: max_norm renormalises the embedding's "
     "weight in place"},
    // arguments the converters refuse
    {"refused_adaptive_max_pool_uneven",
     "aten::adaptive_max_pool2d in module '<root>' (Fn): input size 7 is not a multiple of output size 3 along spatial "
     "dim 0; ONNX has no adaptive pooling"},
    {"refused_grid_sample_volume", "aten::grid_sampler in module '<root>' (Fn): only 4-d inputs (N, C, H, W) are supported"},
    {"refused_grid_sample_double", "aten::grid_sampler in module '<root>' (Fn): only float32 input and grid are supported"},
    {"refused_pad_circular_wraps_cropped",
     "aten::_pad_circular in module '<root>' (Fn): circular padding wraps more than the 1 elements left after cropping"},
    // arguments a converter refuses
    {"refused_unique_unsorted", "aten::_unique2 in module '<root>' (Fn): sorted=False returns the values in the order of "
                                "ATen's hash table, which ONNX cannot reproduce; use sorted=True"},
    {"refused_as_strided_of_transpose", "aten::as_strided in module '<root>' (Fn): self comes from aten::transpose, a view "
                                        "that is not laid out contiguously in its storage; call .contiguous() before"},
    {"refused_matrix_norm_ord_2", "aten::linalg_matrix_norm in module '<root>' (Fn): ord=2.000000 needs singular values, "
                                  "which ONNX has no op for"},
    {"refused_matrix_norm_nuc", "aten::linalg_matrix_norm.str_ord in module '<root>' (Fn): ord='nuc' needs singular values"},
    // torchvision's operators without an ONNX counterpart
    {"refused_tv_ps_roi_pool", "torchvision::ps_roi_pool in module '<root>' (Fn): refused on purpose: ONNX has no average "
                               "RoI pooling"},
    {"refused_tv_deform_conv2d", "torchvision::deform_conv2d in module '<root>' (Fn): refused on purpose: ONNX's "
                                 "DeformConv is new in opset 19"},
    {"refused_tv_roi_pool_argmax", "torchvision::roi_pool in module '<root>' (Fn): its argmax output (used by the "
                                   "backward pass) has no ONNX counterpart"},
    // refused by the trace's write tracker, before conversion
    {"refused_write_through_transpose",
     "in-place write aten::copy_ in module '<root>' changes tensor 'y.1' through a view of it made by aten::transpose, "
     "and the model's output in module '<root>' reads it afterwards: modelexport carries such a write back into the "
     "tensor viewed through aten::slice, aten::select and aten::narrow views only"},
};

}  // namespace mx::test
