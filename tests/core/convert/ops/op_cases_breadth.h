// The op cases of tests/fixtures/op_cases_breadth.py: converters added against torch.onnx's
// registry, and ops refused on purpose with the words their message must contain.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mx::test {

inline const std::vector<std::string> kBreadthCases = {
    "compare_all_overloads",
    "compare_int_with_float_scalar",
    "compare_int_tensor_float_tensor",
    "compare_uint8_bool",
    "where_tensor_scalar_broadcast",
    "where_int_promotes",
    "where_causal_mask",
    "where_condition_only",
    "logical_ops",
    "bool_operators_and_bitwise_not",
    "bitwise_not_ints",
    "isnan_isinf_isfinite",
    "pow_overloads",
    "pow_int",
    "pow_int_float_exponent",
    "rsqrt_square",
    "rounding",
    "rounding_ints_unchanged",
    "clamp_scalar_tensor",
    "clamp_min_above_max",
    "clamp_int",
    "remainder_fmod_signs",
    "remainder_fmod_int",
    "log_variants_trig",
    "max_min_overloads",
    "amax_amin_dims",
    "argmax_argmin",
    "argmax_ties_first",
    "prod_cumsum",
    "all_any",
    "logsumexp",
    "norms",
    "var_std_overloads",
    "leaky_prelu_elu",
    "softplus_mish_glu",
    "shrinks_threshold_logsigmoid",
    "inplace_activations",
    "pad_constant_value_negative",
    "pad_reflect_replicate_circular",
    "pad_modules_1d_3d",
    "pad_aten_ops_direct",
    "pad_int_tensor",
    "embedding_constant_positions",
    "narrow_unbind_flip_roll",
    "repeat_tile_interleave",
    "movedim_unflatten_view_as_T",
    "tensor_split_unsafe_split",
    "index_select_gather_take",
    "scatter_overloads",
    "advanced_index",
    "masked_select_nonzero",
    "topk_sort_argsort",
    "one_hot_meshgrid_diagonal",
    "broadcast_tensors",
    "mm_mv_dot_outer_einsum",
    "addcmul_addcdiv_lerp",
    "nan_to_num_fill_new_full",
    "group_instance_native_layer_norm",
    "upsample_modes",
    "pixel_shuffle_unshuffle",
    "conv_transpose_scripted",
    "mha_fused_weights_no_grad",
    "mha_fused_key_padding_per_head_no_grad",
    "mha_fused_no_weights_no_grad",
    "encoder_layer_fused_relu_padding_no_grad",
    "encoder_layer_fused_gelu_norm_first_no_grad",
};

// name -> words the one-line error must contain (the op and why).
inline const std::pair<const char*, const char*> kRefusedCases[] = {
    {"refused_bernoulli", "aten::bernoulli in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_rand_constant_size", "aten::rand in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_randn_like", "aten::randn_like in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_multinomial", "aten::multinomial in module '<root>' (Fn): refused on purpose: it draws random numbers"},
    {"refused_dropout_training", "aten::dropout in module '<root>' (Fn): dropout in training mode is not supported"},
    {"refused_nll_loss", "aten::nll_loss_nd in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_mse_loss", "aten::mse_loss in module '<root>' (Fn): refused on purpose: a loss belongs to training"},
    {"refused_fake_quantize",
     "aten::fake_quantize_per_tensor_affine in module '<root>' (Fn): refused on purpose: fake quantization"},
};

}  // namespace mx::test
