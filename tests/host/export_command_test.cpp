// `modelexport export` end to end: the real binary, the real htp plugin, fixture models from
// examples/make_model.py, ONNX Runtime as the oracle and LibTorch's own forward as the reference.
#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <set>

#include "model/input_spec.h"
#include "onnx_io/node_metadata.h"
#include "support/test_env.h"
#include "tags/tag_output.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

struct Case {
  std::string model;
  std::string input;  // NAME:DTYPE:DIMS
  double tolerance;   // max abs difference to LibTorch
};

// Exports `model` once per test process into a shared folder.
struct Exported {
  std::string onnx, sidecar;
  CommandResult result;
  onnx::ModelProto proto;
};

const Exported& exported(const Case& c) {
  static TempDir dir;
  static std::map<std::string, Exported> cache;
  if (auto it = cache.find(c.model); it != cache.end()) return it->second;
  Exported e;
  e.onnx = dir.file(c.model + ".onnx");
  e.sidecar = dir.file(c.model + "_hierarchy.json");
  e.result = run(quote(modelexport_bin()) + " export " + quote(fixture_model(c.model)) + " " + quote(e.onnx) +
                 " --strategy htp --plugin-dir " + quote(plugin_build_dir()) + " --input " + c.input);
  e.proto.ParseFromString(read_file(e.onnx));
  return cache.emplace(c.model, std::move(e)).first->second;
}

class ExportTest : public ::testing::TestWithParam<Case> {
 protected:
  const Exported& e() { return exported(GetParam()); }
};

TEST_P(ExportTest, SucceedsAndPrintsSummary) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  EXPECT_NE(e().result.out.find("tagged"), std::string::npos) << e().result.out;
  // Making the random example inputs is timed apart from the trace (it grows with the pixels).
  EXPECT_TRUE(std::regex_search(e().result.out, std::regex(R"(time .*load [0-9.]+, inputs [0-9.]+, trace [0-9.]+)")))
      << e().result.out;
  EXPECT_TRUE(fs::exists(e().sidecar));
  EXPECT_GT(e().proto.graph().node_size(), 0);
}

TEST_P(ExportTest, PassesOnnxChecker) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  EXPECT_NO_THROW(onnx::checker::check_model(e().proto));
  // Python onnx's full check (shape inference, strict) as well: the plain checker passed a
  // rank-3 Gemm that ONNX Runtime then refused.
  EXPECT_EQ(onnx_check_problems(e().onnx), "");
}

TEST_P(ExportTest, OnnxRuntimeMatchesLibTorch) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  auto spec = parse_input_spec(GetParam().input);
  // The same inputs the exporter traced with (seed 0), fed to LibTorch's own forward and
  // to ONNX Runtime on the exported file.
  auto inputs = make_inputs({spec}, 0);
  auto expected = run_reference(fixture_model(GetParam().model), inputs);
  auto actual = run_onnxruntime(e().onnx, {spec.name}, inputs);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i]->shape, expected[i]->shape);
    EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), GetParam().tolerance) << "output " << i;
  }
}

TEST_P(ExportTest, EveryNodeCarriesTagModuleDecisionAndNamespace) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  std::set<std::string> decisions{"direct", "trace", "consumer", "producer", "parent", "root"};
  for (const auto& node : e().proto.graph().node()) {
    std::string tag = node_metadata(node, kTagKey);
    EXPECT_EQ(tag.rfind('/', 0), 0u) << node.name() << " has tag '" << tag << "'";
    // Model Explorer's layers: the tag's segments, without an empty first one.
    EXPECT_EQ(node_metadata(node, kNamespaceKey), tag.substr(1)) << node.name();
    EXPECT_TRUE(decisions.count(node_metadata(node, kDecisionKey))) << node.name();
    EXPECT_EQ(node_metadata(node).size(), 4u) << node.name();
  }
}

TEST_P(ExportTest, DistinctModuleInstancesNeverShareATag) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  std::map<std::string, std::set<std::string>> modules_of_tag;
  for (const auto& node : e().proto.graph().node())
    modules_of_tag[node_metadata(node, kTagKey)].insert(node_metadata(node, kModuleKey));
  for (const auto& [tag, modules] : modules_of_tag) EXPECT_EQ(modules.size(), 1u) << tag << " names several modules";
  // Across the whole module tree too, not only modules that own nodes.
  auto sidecar = YAML::LoadFile(e().sidecar);
  std::map<std::string, std::string> path_of_tag;
  for (const auto& m : sidecar["modules"]) {
    std::string cls = m["class_name"].as<std::string>();
    if (cls == "ModuleList" || cls == "ModuleDict") continue;  // hidden: they share their parent's tag
    auto [it, fresh] = path_of_tag.emplace(m["tag"].as<std::string>(), m["path"].as<std::string>());
    EXPECT_TRUE(fresh) << "modules '" << it->second << "' and '" << m["path"].as<std::string>() << "' share tag "
                       << it->first;
  }
}

// Independent of the tagging: parameter names come from the TorchScript module tree, so a
// node that consumes "layer1.0.conv1.weight" must be tagged with module "layer1.0.conv1".
TEST_P(ExportTest, NodesConsumingParametersAreTaggedWithTheirOwner) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  std::set<std::string> initializers;
  for (const auto& init : e().proto.graph().initializer()) initializers.insert(init.name());
  // BatchNorm folding makes "<conv>.weight_folded" and "<conv>.bias_folded", still the Conv's.
  std::regex param(R"((.*)\.(weight|bias|running_mean|running_var)(_folded)?)");
  int checked = 0;
  for (const auto& node : e().proto.graph().node()) {
    for (const auto& in : node.input()) {
      std::smatch m;
      if (!initializers.count(in) || !std::regex_match(in, m, param)) continue;
      EXPECT_EQ(node_metadata(node, kModuleKey), m[1].str()) << node.name() << " consumes " << in;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST_P(ExportTest, SidecarAgreesWithNodeMetadata) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  auto sidecar = YAML::LoadFile(e().sidecar);
  EXPECT_EQ(sidecar["schema_version"].as<int>(), kSidecarSchemaVersion);
  const auto& nodes = e().proto.graph().node();
  ASSERT_EQ(sidecar["nodes"].size(), static_cast<size_t>(nodes.size()));
  EXPECT_EQ(sidecar["summary"]["tagged"].as<int>(), nodes.size());
  for (int i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(sidecar["nodes"][i]["name"].as<std::string>(), nodes[i].name());
    EXPECT_EQ(sidecar["nodes"][i]["tag"].as<std::string>(), node_metadata(nodes[i], kTagKey));
  }
}

TEST_P(ExportTest, NodeNamesAreUnique) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  std::set<std::string> names;
  for (const auto& node : e().proto.graph().node()) EXPECT_TRUE(names.insert(node.name()).second) << node.name();
}

INSTANTIATE_TEST_SUITE_P(Models, ExportTest,
                         ::testing::Values(Case{"mlp", "x:float32:2x16", 1e-5},
                                           Case{"resnet18", "x:float32:1x3x224x224", 1e-4}),
                         [](const auto& info) { return info.param.model; });

TEST(ExportResnet18, ConvOfLayer2Block1Conv2NamesThatInstance) {
  const auto& e = exported({"resnet18", "x:float32:1x3x224x224", 0});
  ASSERT_EQ(e.result.exit_code, 0) << e.result.err;
  int found = 0;
  for (const auto& node : e.proto.graph().node()) {
    if (node.input_size() < 2 || node.input(1).rfind("layer2.1.conv2.weight", 0) != 0) continue;
    ++found;
    EXPECT_EQ(node.op_type(), "Conv");
    EXPECT_EQ(node.name(), "/layer2/layer2.1/conv2/Conv");
    EXPECT_EQ(node_metadata(node, kTagKey), "/ResNet/Sequential.layer2/BasicBlock.1/Conv2d.conv2");
    EXPECT_EQ(node_metadata(node, kModuleKey), "layer2.1.conv2");
    EXPECT_EQ(node_metadata(node, kDecisionKey), "direct");
  }
  EXPECT_EQ(found, 1);
}

TEST(ExportResnet18, BatchNormIsFoldedIntoConvAndTheSidecarSaysSo) {
  const auto& e = exported({"resnet18", "x:float32:1x3x224x224", 0});
  ASSERT_EQ(e.result.exit_code, 0) << e.result.err;
  int batchnorms = 0;
  for (const auto& node : e.proto.graph().node()) batchnorms += node.op_type() == "BatchNormalization";
  EXPECT_EQ(batchnorms, 0);
  auto sidecar = YAML::LoadFile(e.sidecar);
  ASSERT_EQ(sidecar["folded"].size(), 20u);  // resnet18 has 20 BatchNorm2d, each after a Conv
  bool found = false;
  for (const auto& f : sidecar["folded"])
    if (f["module"].as<std::string>() == "layer2.1.bn2") {
      found = true;
      EXPECT_EQ(f["into"].as<std::string>(), "/layer2/layer2.1/conv2/Conv");
    }
  EXPECT_TRUE(found);
}

TEST(ExportResnet18, TheSidecarListsTheBatchnormsAsFoldedAway) {
  const auto& e = exported({"resnet18", "x:float32:1x3x224x224", 0});
  ASSERT_EQ(e.result.exit_code, 0) << e.result.err;
  auto sidecar = YAML::LoadFile(e.sidecar);
  ASSERT_EQ(sidecar["folded_away"].size(), 20u);  // every BatchNorm2d, and nothing else
  for (const auto& f : sidecar["folded_away"]) {
    EXPECT_EQ(f["class_name"].as<std::string>(), "BatchNorm2d") << f["module"].as<std::string>();
    EXPECT_EQ(f["ops"].as<int>(), 1);
  }
}

// BERT's position embeddings are looked up at constant positions (a slice of a buffer):
// the lookup stays a Gather of the embedding's own table, as in torch.onnx.export, so the
// module has a node and no activation-sized constant takes the table's place.
TEST(ExportBert, PositionEmbeddingLookupAtConstantPositionsStaysANode) {
  const auto& e = exported({"bert", "input_ids:int64:1x16:0..99 --input attention_mask:int64:1x16:0..1", 0});
  ASSERT_EQ(e.result.exit_code, 0) << e.result.err;
  int gathers = 0;
  for (const auto& node : e.proto.graph().node())
    if (node_metadata(node, kModuleKey) == "embeddings.position_embeddings") {
      ++gathers;
      EXPECT_EQ(node.op_type(), "Gather");
      EXPECT_EQ(node.input(0), "embeddings.position_embeddings.weight");
    }
  EXPECT_EQ(gathers, 1);
  auto sidecar = YAML::LoadFile(e.sidecar);
  for (const auto& f : sidecar["folded_away"])
    EXPECT_NE(f["module"].as<std::string>(), "embeddings.position_embeddings");
}

// A module's own op on its weight applied to constant zeros (an LSTMCell's first step from
// the zero state, a conv on a zero first flow as in RAFT) stays that module's node, as in
// torch.onnx.export, where those zeros follow the input's size: folded, the Gemm and the Conv
// were gone and the flow conv's module had no node at all. So does a matmul of a module's
// weight and constant ones, the weight on either side.
TEST(ExportParameterOps, AWeightAppliedToConstantZerosStaysTheModulesNode) {
  TempDir dir;
  std::string pt = dir.file("m.pt"), onnx_path = dir.file("m.onnx");
  auto made = run("/usr/bin/python3 -c " + quote(R"(import sys, torch, torch.nn as nn
torch.manual_seed(0)
class Proj(nn.Module):
    def __init__(s):
        super().__init__(); s.w = nn.Parameter(torch.randn(4, 4))
    def forward(s, x):
        return s.w @ torch.ones(4, x.shape[0]), torch.ones(x.shape[0], 4) @ s.w
class Decoder(nn.Module):
    def __init__(s):
        super().__init__(); s.cell = nn.LSTMCell(4, 4); s.flow = nn.Conv2d(2, 3, 3, padding=1); s.proj = Proj()
    def forward(s, x, img):
        h, c = s.cell(x)
        left, right = s.proj(x)
        return h, img + s.flow(torch.zeros(img.shape[0], 2, img.shape[2], img.shape[3])), left, right
torch.jit.trace(Decoder().eval(), (torch.randn(2, 4), torch.randn(1, 3, 5, 5))).save(sys.argv[1]))") + " " + quote(pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto r = run(quote(modelexport_bin()) + " export " + quote(pt) + " " + quote(onnx_path) + " --plugin-dir " +
               quote(plugin_build_dir()) + " --input x:float32:2x4 --input img:float32:1x3x5x5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto proto;
  proto.ParseFromString(read_file(onnx_path));
  std::map<std::string, std::multiset<std::string>> by_module;  // module -> op types
  for (const auto& node : proto.graph().node()) by_module[node_metadata(node, kModuleKey)].insert(node.op_type());
  EXPECT_EQ(by_module["cell"].count("Gemm"), 2u);  // x @ W_ih and h0 @ W_hh
  EXPECT_EQ(by_module["flow"].count("Conv"), 1u);
  EXPECT_EQ(by_module["proj"].count("MatMul"), 2u);  // its weight on either side of constant ones
  std::vector<InputSpec> specs{parse_input_spec("x:float32:2x4"), parse_input_spec("img:float32:1x3x5x5")};
  auto inputs = make_inputs(specs, 5);
  auto expected = run_reference(pt, inputs);
  auto actual = run_onnxruntime(onnx_path, {"x", "img"}, inputs);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), 1e-5) << i;
}

TEST(ExportInputFile, TracesTheFilesTensorsUnderTheGivenNames) {
  TempDir dir;
  std::string inputs_pt = dir.file("inputs.pt");
  auto made = run("/usr/bin/python3 -c " +
                  quote("import torch; torch.manual_seed(3); torch.save((torch.randn(5, 16),), '" + inputs_pt + "')"));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string onnx_path = dir.file("m.onnx");
  auto r = run(quote(modelexport_bin()) + " export " + quote(fixture_model("mlp")) + " " + quote(onnx_path) +
               " -q --input-file " + quote(inputs_pt) + " --input-names features --plugin-dir " + quote(plugin_build_dir()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(read_file(onnx_path)));
  ASSERT_EQ(proto.graph().input_size(), 1);
  EXPECT_EQ(proto.graph().input(0).name(), "features");
  // The file's batch of 5 (not a spec's) is what the graph was traced with.
  EXPECT_EQ(proto.graph().input(0).type().tensor_type().shape().dim(0).dim_value(), 5);
  auto inputs = load_inputs(inputs_pt);
  auto expected = run_reference(fixture_model("mlp"), inputs);
  auto actual = run_onnxruntime(onnx_path, {"features"}, inputs);
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_LE(max_abs_diff(*actual[0], *expected[0]), 1e-5);
}

// The BERT-like model returns (sequence output, pooled output): named in that order, and
// ONNX Runtime serves them under those names with LibTorch's values.
TEST(ExportOutputNames, NameTheGraphOutputsInOrder) {
  TempDir dir;
  std::string onnx_path = dir.file("bert.onnx");
  auto specs_text = fixture_inputs("bert");
  std::string cmd = quote(modelexport_bin()) + " export " + quote(fixture_model("bert")) + " " + quote(onnx_path) +
                    " -q --output-names last_hidden_state,pooler_output --plugin-dir " + quote(plugin_build_dir());
  for (const auto& s : specs_text) cmd += " --input " + s;
  auto r = run(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(read_file(onnx_path)));
  ASSERT_EQ(proto.graph().output_size(), 2);
  EXPECT_EQ(proto.graph().output(0).name(), "last_hidden_state");
  EXPECT_EQ(proto.graph().output(1).name(), "pooler_output");

  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  for (const auto& s : specs_text) {
    specs.push_back(parse_input_spec(s));
    names.push_back(specs.back().name);
  }
  auto inputs = make_inputs(specs, 0);
  auto expected = run_reference(fixture_model("bert"), inputs);
  std::vector<std::string> fetched;
  auto actual = run_onnxruntime(onnx_path, names, inputs, &fetched);
  EXPECT_EQ(fetched, (std::vector<std::string>{"last_hidden_state", "pooler_output"}));
  ASSERT_EQ(actual.size(), 2u);
  ASSERT_EQ(expected.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(actual[i]->shape, expected[i]->shape) << fetched[i];
    EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), 1e-5) << fetched[i];
  }
}

}  // namespace
}  // namespace mx::test
