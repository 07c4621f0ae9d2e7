// The model zoo through `modelexport export --dynamic`: every model exports, passes
// onnx::checker, runs in ONNX Runtime matching LibTorch's own forward on the example shapes
// and on other sizes along the dynamic axes, and has every node tagged.
#include <gtest/gtest.h>
#include <onnx/checker.h>

#include <cmath>
#include <iostream>
#include <map>
#include <set>

#include "model/input_spec.h"
#include "onnx_io/node_metadata.h"
#include "support/test_env.h"
#include "tags/tag_output.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

struct ZooModel {
  std::string name;
  // Allowed max |ORT - LibTorch| relative to max |LibTorch output| (at least 1): float32
  // sums reordered over deep CNNs drift more than small MLPs.
  double tolerance;
  std::vector<std::string> dynamic;  // --dynamic NAME:AXIS:LABEL
  std::vector<std::string> resized;  // a second input, other sizes along those axes
};

void check_against_libtorch(const ZooModel& m, const std::string& onnx_path, const std::vector<std::string>& specs_text,
                            uint64_t seed) {
  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  for (const auto& s : specs_text) {
    specs.push_back(parse_input_spec(s));
    names.push_back(specs.back().name);
  }
  auto inputs = make_inputs(specs, seed);
  auto expected = run_reference(fixture_model(m.name), inputs);
  auto actual = run_onnxruntime(onnx_path, names, inputs);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_EQ(actual[i]->shape, expected[i]->shape) << "output " << i << " for " << specs_text.front();
    double scale = std::max(1.0, max_abs(*expected[i]));
    double diff = max_abs_diff(*actual[i], *expected[i]);
    EXPECT_LE(diff, m.tolerance * scale) << "output " << i << " for " << specs_text.front() << ": max |diff| " << diff
                                         << ", max |ref| " << scale;
    std::cout << m.name << " output " << i << " for " << specs_text.front() << ": max |diff| " << diff << " (allowed "
              << m.tolerance * scale << ")\n";
  }
}

// The comparison below only means something if a graph that ignored its input would fail
// it: LibTorch's outputs on two random inputs must differ by at least kInputSensitivity
// times the tolerance (relative to the same scale). With BatchNorm statistics made up
// without data, five fixtures differed by ~1e-7, under the 1e-5 tolerance.
constexpr double kInputSensitivity = 1000;

std::vector<std::shared_ptr<TensorData>> reference_outputs(const std::string& model,
                                                           const std::vector<std::string>& specs_text, uint64_t seed) {
  std::vector<InputSpec> specs;
  for (const auto& s : specs_text) specs.push_back(parse_input_spec(s));
  return run_reference(fixture_model(model), make_inputs(specs, seed));
}

class Zoo : public ::testing::TestWithParam<ZooModel> {
 protected:
  static void SetUpTestSuite() { out_ = new TempDir(); }
  static void TearDownTestSuite() { delete out_; }
  static TempDir* out_;
};
TempDir* Zoo::out_ = nullptr;

TEST_P(Zoo, ExportsMatchesLibTorchAndTagsEveryNode) {
  const auto& m = GetParam();
  auto specs_text = fixture_inputs(m.name);
  std::string onnx_path = out_->file(m.name + ".onnx");
  std::string cmd = quote(modelexport_bin()) + " export " + quote(fixture_model(m.name)) + " " + quote(onnx_path) +
                    " -q --plugin-dir " + quote(plugin_build_dir());
  for (const auto& s : specs_text) cmd += " --input " + s;
  for (const auto& d : m.dynamic) cmd += " --dynamic " + d;
  auto r = run(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(read_file(onnx_path)));
  EXPECT_NO_THROW(onnx::checker::check_model(proto));

  // The example shapes with a different seed than the exporter traced with (the graph must
  // not be specialised to the example values), then other sizes along the dynamic axes.
  check_against_libtorch(m, onnx_path, specs_text, 7);
  check_against_libtorch(m, onnx_path, m.resized, 8);

  std::map<std::string, std::set<std::string>> modules_of_tag;
  for (const auto& node : proto.graph().node()) {
    std::string tag = node_metadata(node, kTagKey);
    ASSERT_FALSE(tag.empty()) << node.name() << " has no tag";
    modules_of_tag[tag].insert(node_metadata(node, kModuleKey));
    // The root fallback is only right for nodes that really belong to the root's forward.
    if (node_metadata(node, kDecisionKey) == "root") ADD_FAILURE() << node.name() << " fell back to the root tag";
  }
  for (const auto& [tag, modules] : modules_of_tag) EXPECT_EQ(modules.size(), 1u) << tag;
}

TEST_P(Zoo, FixtureOutputsDependOnTheInput) {
  const auto& m = GetParam();
  auto specs_text = fixture_inputs(m.name);
  auto a = reference_outputs(m.name, specs_text, 7);
  auto b = reference_outputs(m.name, specs_text, 11);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    double scale = std::max(1.0, max_abs(*a[i]));
    double diff = max_abs_diff(*a[i], *b[i]);
    EXPECT_GE(diff, kInputSensitivity * m.tolerance * scale)
        << m.name << " output " << i << " barely depends on its input: max |diff| " << diff << " between two inputs, "
        << "tolerance " << m.tolerance * scale;
    std::cout << m.name << " output " << i << ": two inputs differ by " << diff << " = "
              << diff / (m.tolerance * scale) << " x the tolerance\n";
  }
}

// Below opset 17 there is no LayerNormalization: the BERT-like model exports it decomposed,
// and must still match LibTorch.
TEST(ZooOpset14, BertWithDecomposedLayerNormMatchesLibTorch) {
  TempDir out;
  std::string onnx_path = out.file("bert14.onnx");
  std::string cmd = quote(modelexport_bin()) + " export " + quote(fixture_model("bert")) + " " + quote(onnx_path) +
                    " -q --opset 14 --plugin-dir " + quote(plugin_build_dir());
  for (const auto& s : fixture_inputs("bert")) cmd += " --input " + s;
  auto r = run(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(read_file(onnx_path)));
  EXPECT_EQ(proto.opset_import(0).version(), 14);
  for (const auto& node : proto.graph().node()) EXPECT_NE(node.op_type(), "LayerNormalization") << node.name();
  check_against_libtorch({"bert", 1e-5, {}, {}}, onnx_path, fixture_inputs("bert"), 5);
}

const std::vector<std::string> kBatch{"x:0:batch"};
std::vector<std::string> image(int batch, int size) {
  return {"x:float32:" + std::to_string(batch) + "x3x" + std::to_string(size) + "x" + std::to_string(size)};
}

INSTANTIATE_TEST_SUITE_P(
    Models, Zoo,
    // resnet50: 4.2e-5 measured on outputs of max 1.9, the same as torch.onnx.export's file
    // (both fold BatchNorm into the Conv in float32 over 53 layers with measured statistics).
    ::testing::Values(ZooModel{"resnet18", 1e-5, kBatch, image(2, 224)}, ZooModel{"resnet50", 5e-5, kBatch, image(2, 224)},
                      ZooModel{"mobilenet_v2", 1e-5, kBatch, image(2, 224)},
                      ZooModel{"mobilenet_v3_large", 1e-5, kBatch, image(2, 224)},
                      ZooModel{"efficientnet_b1", 1e-5, kBatch, image(2, 240)},
                      ZooModel{"vgg11_bn", 1e-5, kBatch, image(2, 224)}, ZooModel{"googlenet", 1e-5, kBatch, image(2, 224)},
                      ZooModel{"mnasnet0_5", 1e-5, kBatch, image(2, 224)}, ZooModel{"vit_b_32", 1e-5, kBatch, image(2, 224)},
                      ZooModel{"bert", 1e-5,
                               {"input_ids:0:batch", "input_ids:1:seq", "attention_mask:0:batch", "attention_mask:1:seq"},
                               {"input_ids:int64:2x9:0..99", "attention_mask:int64:2x9:0..1"}},
                      ZooModel{"transformer_encoder", 1e-5,
                               {"x:0:batch", "x:1:seq", "padding_mask:0:batch", "padding_mask:1:seq"},
                               {"x:float32:3x7x32", "padding_mask:bool:3x7"}},
                      // The causal mask is made in forward from tgt's length: it must follow tgt_seq.
                      ZooModel{"transformer_decoder", 1e-5,
                               {"tgt:0:batch", "tgt:1:tgt_seq", "memory:0:batch", "memory:1:mem_seq",
                                "memory_key_padding_mask:0:batch", "memory_key_padding_mask:1:mem_seq"},
                               {"tgt:float32:2x9x32", "memory:float32:2x7x32", "memory_key_padding_mask:bool:2x7"}},
                      ZooModel{"rnn", 1e-5, {"x:0:batch", "x:1:seq"}, {"x:float32:3x5x16"}},
                      // Traced under torch.no_grad(): fused attention and encoder layers.
                      ZooModel{"vit_b_32_no_grad", 1e-5, kBatch, image(2, 224)},
                      ZooModel{"bert_no_grad", 1e-5,
                               {"input_ids:0:batch", "input_ids:1:seq", "attention_mask:0:batch", "attention_mask:1:seq"},
                               {"input_ids:int64:2x9:0..99", "attention_mask:int64:2x9:0..1"}},
                      ZooModel{"transformer_encoder_no_grad", 1e-5,
                               {"x:0:batch", "x:1:seq", "padding_mask:0:batch", "padding_mask:1:seq"},
                               {"x:float32:3x7x32", "padding_mask:bool:3x7"}},
                      ZooModel{"transformer_decoder_no_grad", 1e-5,
                               {"tgt:0:batch", "tgt:1:tgt_seq", "memory:0:batch", "memory:1:mem_seq",
                                "memory_key_padding_mask:0:batch", "memory_key_padding_mask:1:mem_seq"},
                               {"tgt:float32:2x9x32", "memory:float32:2x7x32", "memory_key_padding_mask:bool:2x7"}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace mx::test
