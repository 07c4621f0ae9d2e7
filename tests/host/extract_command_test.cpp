// `modelexport extract` end to end, checked against LibTorch rather than against itself:
// the extracted model, run in ONNX Runtime on the module's real input values, must give the
// module's real output values, both recorded by tracing the whole model in LibTorch.
#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>

#include "convert/convert.h"
#include "pipelines/export.h"
#include "model/input_spec.h"
#include "onnx_io/node_metadata.h"
#include "plugin/plugin_manifest.h"
#include "plugin/plugin_registry.h"
#include "support/htp_export.h"
#include "support/test_env.h"
#include "tags/tag_output.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

// The whole model traced in LibTorch with every value kept, and converted exactly as the
// export converts it (same inputs: seed 0; same registry: core's plus the plugins'; opset
// 17), so that ConvertedModel::value_ids maps the exported file's tensor names to values.
struct Reference {
  Trace trace;
  ConvertedModel converted;
};

const Reference& reference(const std::string& model) {
  static std::map<std::string, Reference> cache;
  if (auto it = cache.find(model); it != cache.end()) return it->second;
  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  for (const auto& s : fixture_inputs(model)) {
    specs.push_back(parse_input_spec(s));
    names.push_back(specs.back().name);
  }
  Reference r;
  TraceOptions keep;
  keep.keep_values = true;
  r.trace = trace_model(fixture_model(model), names, make_inputs(specs, 0), keep);
  ExportOptions options;  // the export's defaults: opset 17, clean-up passes on
  r.converted = convert_checked(r.trace, DynamicMarks{}, plugin_entries(plugin_search_path({plugin_build_dir()})).registry, options);
  return cache.emplace(model, std::move(r)).first->second;
}

std::shared_ptr<TensorData> real_value(const Reference& ref, const std::string& onnx_name) {
  auto it = ref.converted.value_ids.find(onnx_name);
  if (it == ref.converted.value_ids.end()) return nullptr;
  return ref.trace.values[it->second].observed;
}

CommandResult extract(const std::string& onnx, const std::string& args) {
  return run(quote(modelexport_bin()) + " extract " + quote(onnx) + " " + args);
}

struct ModuleCase {
  std::string model, module;
  int regions;       // weakly connected parts the module's nodes form
  double tolerance;  // max abs difference to LibTorch's values
};

class ExtractAgainstLibTorch : public ::testing::TestWithParam<ModuleCase> {};

TEST_P(ExtractAgainstLibTorch, ReproducesTheModulesRealOutputsFromItsRealInputs) {
  const auto& c = GetParam();
  const auto& full = htp_export(c.model);
  ASSERT_EQ(full.result.exit_code, 0) << full.result.err;
  const Reference& ref = reference(c.model);
  // The in-test conversion is the export's: same nodes, same names.
  ASSERT_EQ(ref.converted.model.graph().node_size(), full.proto.graph().node_size());
  for (int n = 0; n < full.proto.graph().node_size(); ++n)
    ASSERT_EQ(ref.converted.model.graph().node(n).name(), full.proto.graph().node(n).name());

  TempDir dir;
  auto r = extract(full.onnx, "--module " + quote(c.module) + " -o " + quote(dir.file("m.onnx")) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(read_file(dir.file("m.onnx"))));
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  EXPECT_EQ(YAML::Load(r.out)["written"][0]["regions"].as<int>(), c.regions) << r.out;

  // Exactly the module's nodes (by the full file's metadata), tags kept.
  std::set<std::string> expected_nodes, got_nodes;
  for (const auto& node : full.proto.graph().node()) {
    std::string mod = node_metadata(node, kModuleKey);
    if (mod == c.module || mod.rfind(c.module + ".", 0) == 0) expected_nodes.insert(node.name());
  }
  for (const auto& node : m.graph().node()) {
    got_nodes.insert(node.name());
    EXPECT_NE(node_metadata(node, kTagKey), "") << node.name();
  }
  EXPECT_EQ(got_nodes, expected_nodes);

  std::vector<std::string> names;
  std::vector<std::shared_ptr<TensorData>> inputs;
  for (const auto& in : m.graph().input()) {
    auto value = real_value(ref, in.name());
    ASSERT_TRUE(value) << "input '" << in.name() << "' has no recorded LibTorch value";
    names.push_back(in.name());
    inputs.push_back(value);
  }
  auto outputs = run_onnxruntime(dir.file("m.onnx"), names, inputs);
  ASSERT_EQ(outputs.size(), static_cast<size_t>(m.graph().output_size()));
  for (int i = 0; i < m.graph().output_size(); ++i) {
    auto expected = real_value(ref, m.graph().output(i).name());
    ASSERT_TRUE(expected) << "output '" << m.graph().output(i).name() << "' has no recorded LibTorch value";
    EXPECT_LE(max_abs_diff(*outputs[i], *expected), c.tolerance) << "output " << m.graph().output(i).name();
  }
}

// resnet18's layer1.0.relu is called twice per block (after bn1 and after the residual
// add): its nodes form two unconnected parts. layer2.0's residual path (downsample) jumps
// over its conv/bn children.
INSTANTIATE_TEST_SUITE_P(Modules, ExtractAgainstLibTorch,
                         ::testing::Values(ModuleCase{"resnet18", "layer2", 1, 1e-4},
                                           ModuleCase{"resnet18", "layer3.0", 1, 1e-4},
                                           ModuleCase{"resnet18", "layer2.0", 1, 1e-4},
                                           ModuleCase{"resnet18", "layer1.0.relu", 2, 1e-4},
                                           ModuleCase{"bert", "encoder.layer.1", 1, 1e-4},
                                           ModuleCase{"bert", "encoder.layer.1.attention", 1, 1e-4},
                                           ModuleCase{"bert", "encoder.layer.1.intermediate", 1, 1e-4}),
                         [](const auto& info) {
                           std::string name = info.param.model + "_" + info.param.module;
                           for (auto& ch : name)
                             if (ch == '.') ch = '_';
                           return name;
                         });

TEST(ExtractAllOf, OneValidFilePerInstance) {
  const auto& full = htp_export("resnet18");
  ASSERT_EQ(full.result.exit_code, 0) << full.result.err;
  TempDir dir;
  auto r = extract(full.onnx, "--all-of BasicBlock -o " + quote(dir.file("blocks")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir.file("blocks")))
    if (e.path().extension() == ".onnx") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"layer1.0.onnx", "layer1.1.onnx", "layer2.0.onnx", "layer2.1.onnx",
                                             "layer3.0.onnx", "layer3.1.onnx", "layer4.0.onnx", "layer4.1.onnx"}));
  for (const auto& f : files) {
    auto v = run(quote(modelexport_bin()) + " tags " + quote(dir.file("blocks/" + f)) + " validate");
    EXPECT_EQ(v.exit_code, 0) << f << ": " << v.out;
  }
}

TEST(ExtractSummary, SaysWhenAModuleIsInSeveralParts) {
  const auto& full = htp_export("resnet18");
  ASSERT_EQ(full.result.exit_code, 0) << full.result.err;
  TempDir dir;
  auto r = extract(full.onnx, "--module layer1.0.relu -o " + quote(dir.file("relu.onnx")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 unconnected regions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inputs        2:"), std::string::npos) << r.out;
}

class ExtractErrors : public ::testing::Test {
 protected:
  static void expect_one_error_line(const CommandResult& r) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const ModelExport& full = htp_export("resnet18");
  TempDir dir;
};

TEST_F(ExtractErrors, UnknownModulePathListsCloseMatches) {
  auto r = extract(full.onnx, "--module layer2.5 -o " + quote(dir.file("m.onnx")));
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("no module 'layer2.5'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("close matches: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("layer2.0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("layer2.1"), std::string::npos) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(ExtractErrors, UnknownTagListsCloseMatches) {
  auto r = extract(full.onnx, "--tag /ResNet/Sequential.layer9 -o " + quote(dir.file("m.onnx")));
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("close matches: /ResNet/Sequential.layer"), std::string::npos) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(ExtractErrors, TruncatedOnnx) {
  std::string bytes = read_file(full.onnx);
  std::ofstream(dir.file("cut.onnx"), std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
  auto r = extract(dir.file("cut.onnx"), "--module layer2 -o " + quote(dir.file("m.onnx")));
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("cut.onnx' is a truncated ONNX file"), std::string::npos) << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"cut.onnx"});
}

TEST_F(ExtractErrors, NotOnnx) {
  auto r = extract(fixture_model("resnet18"), "--module layer2 -o " + quote(dir.file("m.onnx")));
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("is not an ONNX file"), std::string::npos) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(ExtractErrors, NeedsExactlyOneSelector) {
  auto both = extract(full.onnx, "--module layer2 --tag /ResNet -o " + quote(dir.file("m.onnx")));
  expect_one_error_line(both);
  EXPECT_NE(both.err.find("exactly one of --module PATH, --tag TAG, --all-of CLASS"), std::string::npos);
  auto none = extract(full.onnx, "-o " + quote(dir.file("m.onnx")));
  expect_one_error_line(none);
  EXPECT_TRUE(dir.entries().empty());
}

TEST_F(ExtractErrors, UnwritableOutput) {
  auto r = extract(full.onnx, "--module layer2 -o " + quote(dir.file("no/such/folder/m.onnx")));
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST(ExtractHelp, ExplainsTheCut) {
  auto r = run(quote(modelexport_bin()) + " extract --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"--module", "--tag", "--all-of", "inputs", "outputs", "initializers", "topological"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace mx::test
