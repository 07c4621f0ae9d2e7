// --dynamic far from the traced sizes, through the binary: fast fixture models and the
// size-arithmetic cases of tests/fixtures/dynamic_cases.py are exported with dynamic axes,
// then run in ONNX Runtime at other sizes (batch 1 -> 8 and 3, sequence 16 -> 5 and 37)
// against LibTorch; ORT must not warn about a declared shape (run_onnxruntime fails on it)
// and ONNX's checker and strict shape inference must agree with the file.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <sstream>

#include "model/input_spec.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

struct DynamicCase {
  std::string name;
  std::string model_pt;                         // TorchScript file
  std::vector<std::string> traced;              // --input specs of the export
  std::vector<std::string> dynamic;             // --dynamic specs
  std::vector<std::vector<std::string>> sizes;  // input specs to run at
};

// Exports `c` with --dynamic and checks it at each of its other sizes.
void export_and_run(const DynamicCase& c) {
  TempDir dir;
  std::string onnx_path = dir.file(c.name + ".onnx");
  std::string cmd = quote(modelexport_bin()) + " export " + quote(c.model_pt) + " " + quote(onnx_path) +
                    " -q --plugin-dir " + quote(plugin_build_dir());
  for (const auto& s : c.traced) cmd += " --input " + s;
  for (const auto& d : c.dynamic) cmd += " --dynamic " + d;
  auto r = run(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(onnx_check_problems(onnx_path), "");
  for (const auto& size : c.sizes) {
    std::vector<InputSpec> specs;
    std::vector<std::string> names;
    for (const auto& s : size) {
      specs.push_back(parse_input_spec(s));
      names.push_back(specs.back().name);
    }
    auto inputs = make_inputs(specs, 5);
    auto expected = run_reference(c.model_pt, inputs);
    std::vector<std::shared_ptr<TensorData>> actual;
    ASSERT_NO_THROW(actual = run_onnxruntime(onnx_path, names, inputs)) << "at " << size.front();
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < actual.size(); ++i) {
      ASSERT_EQ(actual[i]->shape, expected[i]->shape) << "output " << i << " at " << size.front();
      double scale = std::max(1.0, max_abs(*expected[i]));
      EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), 1e-5 * scale) << "output " << i << " at " << size.front();
    }
  }
}

class DynamicModel : public ::testing::TestWithParam<DynamicCase> {};

TEST_P(DynamicModel, MatchesLibTorchFarFromTheTracedSizes) {
  DynamicCase c = GetParam();
  c.model_pt = fixture_model(c.name);
  export_and_run(c);
}

const std::vector<std::string> kSeq{"x:0:batch", "x:1:seq"};
INSTANTIATE_TEST_SUITE_P(
    Fixtures, DynamicModel,
    ::testing::Values(
        DynamicCase{"mlp", "", {"x:float32:1x16"}, {"x:0:batch"}, {{"x:float32:8x16"}, {"x:float32:3x16"}}},
        DynamicCase{"resnet18",
                    "",
                    {"x:float32:1x3x64x64"},
                    {"x:0:batch"},
                    {{"x:float32:8x3x64x64"}, {"x:float32:3x3x64x64"}}},
        DynamicCase{"rnn", "", {"x:float32:1x16x16"}, kSeq, {{"x:float32:8x5x16"}, {"x:float32:3x37x16"}}},
        DynamicCase{"transformer_encoder",
                    "",
                    {"x:float32:1x16x32", "padding_mask:bool:1x16"},
                    {"x:0:batch", "x:1:seq", "padding_mask:0:batch", "padding_mask:1:seq"},
                    {{"x:float32:8x5x32", "padding_mask:bool:8x5"}, {"x:float32:3x37x32", "padding_mask:bool:3x37"}}},
        DynamicCase{"bert",
                    "",
                    {"input_ids:int64:1x16:0..99", "attention_mask:int64:1x16:1..1"},
                    {"input_ids:0:batch", "input_ids:1:seq", "attention_mask:0:batch", "attention_mask:1:seq"},
                    {{"input_ids:int64:8x5:0..99", "attention_mask:int64:8x5:0..1"},
                     {"input_ids:int64:3x37:0..99", "attention_mask:int64:3x37:0..1"}}},
        DynamicCase{"transformer_decoder",
                    "",
                    {"tgt:float32:1x16x32", "memory:float32:1x10x32", "memory_key_padding_mask:bool:1x10"},
                    {"tgt:0:batch", "tgt:1:tgt_seq", "memory:0:batch", "memory:1:mem_seq",
                     "memory_key_padding_mask:0:batch", "memory_key_padding_mask:1:mem_seq"},
                    {{"tgt:float32:8x5x32", "memory:float32:8x37x32", "memory_key_padding_mask:bool:8x37"},
                     {"tgt:float32:3x37x32", "memory:float32:3x5x32", "memory_key_padding_mask:bool:3x5"}}}),
    [](const auto& info) { return info.param.name; });

// The size-arithmetic cases: their axes and sizes come from dynamic_cases.py --describe NAME.
class DynamicOpCase : public ::testing::TestWithParam<std::string> {};

TEST_P(DynamicOpCase, MatchesLibTorchFarFromTheTracedSizes) {
  const std::string script = "/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/dynamic_cases.py");
  TempDir dir;
  DynamicCase c{GetParam(), dir.file("case.pt"), {}, {}, {}};
  auto made = run(script + " " + c.name + " " + quote(c.model_pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::istringstream words(made.out);
  for (std::string w; words >> w;) c.traced.push_back(w);
  auto described = run(script + " --describe " + c.name);
  ASSERT_EQ(described.exit_code, 0) << described.err;
  auto doc = YAML::Load(described.out);
  for (const auto& d : doc["dynamic"]) c.dynamic.push_back(d.as<std::string>());
  for (const auto& s : doc["sizes"]) c.sizes.push_back(s.as<std::vector<std::string>>());
  ASSERT_GE(c.sizes.size(), 2u);
  export_and_run(c);
}

std::vector<std::string> dynamic_case_names() {
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/dynamic_cases.py") + " --list");
  std::vector<std::string> names;
  std::istringstream lines(r.out);
  for (std::string n; lines >> n;) names.push_back(n);
  if (r.exit_code != 0 || names.empty()) names = {"dynamic_cases_py_list_failed"};
  return names;
}

INSTANTIATE_TEST_SUITE_P(SizeArithmetic, DynamicOpCase, ::testing::ValuesIn(dynamic_case_names()),
                         [](const auto& info) { return info.param; });

// The declared output of `x.reshape(x.size(0) // 4 + 1, -1)`: the first dim is 2 in both
// traces (batch 4 and 5) yet changes with the batch, so it must be symbolic.
TEST(DynamicDeclaredShape, SizeDerivedDimIsSymbolicEvenWhenBothTracesAgree) {
  TempDir dir;
  std::string pt = dir.file("case.pt"), onnx_path = dir.file("case.onnx");
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/dynamic_cases.py") +
                  " dyn_floordiv_reshape " + quote(pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto r = run(quote(modelexport_bin()) + " export " + quote(pt) + " " + quote(onnx_path) + " -q --plugin-dir " +
               quote(plugin_build_dir()) + " --input x:float32:4x12 --dynamic x:0:batch");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(read_file(onnx_path)));
  ASSERT_EQ(proto.graph().output_size(), 1);
  const auto& shape = proto.graph().output(0).type().tensor_type().shape();
  ASSERT_EQ(shape.dim_size(), 2);
  EXPECT_TRUE(shape.dim(0).has_dim_param()) << shape.DebugString();
  EXPECT_TRUE(shape.dim(1).has_dim_param()) << shape.DebugString();
  EXPECT_EQ(proto.graph().input(0).type().tensor_type().shape().dim(0).dim_param(), "batch");
}

}  // namespace
}  // namespace mx::test
