// Every converter on its edge arguments (negative dims, keepdim, broadcasting, promotion,
// rounding modes, odd windows, ...): small models from tests/fixtures/op_cases.py are traced
// and converted by core, then run in ONNX Runtime and compared with LibTorch's forward.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "convert/convert.h"
#include "model/input_spec.h"
#include "onnx_io/model_io.h"
#include "convert/op_registry.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

class OpCase : public ::testing::TestWithParam<std::string> {};

TEST_P(OpCase, OnnxRuntimeMatchesLibTorch) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/op_cases.py") + " " + GetParam() + " " +
                  quote(pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  std::istringstream words(made.out);
  for (std::string w; words >> w;) {
    specs.push_back(parse_input_spec(w));
    names.push_back(specs.back().name);
  }
  auto inputs = make_inputs(specs, 3);
  Trace trace = trace_model(pt, names, inputs);
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

}  // namespace
}  // namespace mx::test
