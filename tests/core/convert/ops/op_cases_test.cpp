// Every converter on its edge arguments (negative dims, keepdim, broadcasting, promotion,
// rounding modes, odd windows, ...): small models from tests/fixtures/op_cases.py are traced
// and converted by core, then run in ONNX Runtime and compared with LibTorch's forward.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/error.h"
#include "convert/convert.h"
#include "convert/op_registry.h"
#include "model/input_spec.h"
#include "onnx_io/model_io.h"
#include "op_cases_breadth.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

// Traces case `name` of tests/fixtures/op_cases.py into `pt`; returns its input specs.
std::vector<InputSpec> make_case(const std::string& name, const std::string& pt) {
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/op_cases.py") + " " + name + " " + quote(pt));
  EXPECT_EQ(made.exit_code, 0) << made.err;
  std::vector<InputSpec> specs;
  std::istringstream words(made.out);
  for (std::string w; words >> w;) specs.push_back(parse_input_spec(w));
  return specs;
}

Trace trace_case(const std::string& pt, const std::vector<InputSpec>& specs) {
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  return trace_model(pt, names, make_inputs(specs, 3));
}

class OpCase : public ::testing::TestWithParam<std::string> {};

TEST_P(OpCase, OnnxRuntimeMatchesLibTorch) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto specs = make_case(GetParam(), pt);
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  Trace trace = trace_case(pt, specs);
  ConvertOptions options;
  ConvertedModel model = convert(trace, OpRegistry::builtin(), options);
  ASSERT_NO_THROW(check_converted(model));
  std::string onnx_path = dir.file("case.onnx");
  {
    std::ofstream out(onnx_path, std::ios::binary);
    write_converted(model, out);
    ASSERT_TRUE(out.good());
  }
  // Other values than the trace saw: nothing may be specialised to them.
  auto fresh = make_inputs(specs, 4);
  auto expected = run_reference(pt, fresh);
  auto actual = run_onnxruntime(onnx_path, names, fresh);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_EQ(actual[i]->shape, expected[i]->shape) << "output " << i;
    EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), 1e-5) << "output " << i;
  }
}

// Ops refused on purpose: conversion fails with one message naming the op and the reason.
class RefusedOp : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(RefusedOp, ConversionSaysWhy) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto specs = make_case(GetParam().first, pt);
  ASSERT_FALSE(HasFailure());
  Trace trace = trace_case(pt, specs);
  try {
    convert(trace, OpRegistry::builtin(), ConvertOptions{});
    FAIL() << "converted";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(GetParam().second), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Converters, OpCase,
    ::testing::Values("add_alpha_broadcast", "sub_scalar_alpha", "rsub_scalar", "add_int_float_promotes",
                      "div_int_true", "div_int_floor_negative", "div_float_trunc", "floor_divide_float", "mul_inplace",
                      "mean_keepdim_negative_dim", "mean_two_dims", "sum_keepdim", "sum_all", "softmax_negative_dim",
                      "log_softmax", "cat_negative_dim_promotes", "chunk_uneven", "split_sizes", "select_negative",
                      "slice_step_negative_start", "transpose_negative", "permute_negative", "flatten_middle",
                      "unsqueeze_squeeze", "expand_minus_one", "view_minus_one", "masked_fill",
                      "triu_tril_diagonals_batched", "tril_int8_triu_bool", "to_int_and_back", "zeros_ones_like",
                      "matmul_broadcast", "baddbmm_alpha_beta", "addmm_alpha_beta", "linear_3d_input", "linear_no_bias",
                      "gelu_tanh", "gelu_erf", "hardtanh_range", "relu6", "hardswish_hardsigmoid", "silu",
                      "conv1d_same_dilation_groups", "conv_transpose2d_output_padding", "conv2d_asymmetric",
                      "max_pool_ceil_mode", "avg_pool_exclude_pad", "adaptive_avg_pool_divisible",
                      "batch_norm_no_affine", "layer_norm_no_affine", "embedding_padding_idx", "float16_int32_inputs",
                      "dict_output_flattened", "tuple_output_with_input", "lstm_bidirectional_2_layers",
                      "gru_seq_first", "scripted_loop_and_branch"),
    [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Breadth, OpCase, ::testing::ValuesIn(kBreadthCases),
                         [](const auto& info) { return info.param; });

INSTANTIATE_TEST_SUITE_P(Refused, RefusedOp, ::testing::ValuesIn(kRefusedCases),
                         [](const auto& info) { return std::string(info.param.first); });

}  // namespace
}  // namespace mx::test
