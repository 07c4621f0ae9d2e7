// `modelexport export` and `tag` on models saved with torch.jit.script, written as PyTorch's
// own examples write them (tests/fixtures/scripted_models.py): ONNX Runtime against
// LibTorch's forward on the same inputs.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <map>
#include <sstream>

#include "model/input_spec.h"
#include "onnx_io/node_metadata.h"
#include "support/test_env.h"
#include "tags/tag_output.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

struct Case {
  std::string model;
  double tolerance;  // max abs difference to LibTorch
};

struct Exported {
  std::string onnx, retagged;
  std::vector<InputSpec> specs;
  CommandResult result, tag_result;
};

// Exported once per test process, then our export tagged again by `tag` (which traces the
// scripted model itself).
const Exported& exported(const std::string& model) {
  static TempDir dir;
  static std::map<std::string, Exported> cache;
  if (auto it = cache.find(model); it != cache.end()) return it->second;
  Exported e;
  e.onnx = dir.file(model + ".onnx");
  e.retagged = dir.file(model + "_tagged.onnx");
  std::string inputs;
  for (const auto& s : scripted_fixture_inputs(model)) {
    inputs += " --input " + quote(s);
    e.specs.push_back(parse_input_spec(s));
  }
  std::string plugins = " --plugin-dir " + quote(plugin_build_dir());
  e.result = run(quote(modelexport_bin()) + " export " + quote(scripted_fixture_model(model)) + " " + quote(e.onnx) +
                 plugins + inputs);
  if (e.result.exit_code == 0)
    e.tag_result = run(quote(modelexport_bin()) + " tag " + quote(e.onnx) + " --model " +
                       quote(scripted_fixture_model(model)) + " -o " + quote(e.retagged) + plugins);
  return cache.emplace(model, std::move(e)).first->second;
}

class ScriptedModelTest : public ::testing::TestWithParam<Case> {
 protected:
  const Exported& e() { return exported(GetParam().model); }
};

TEST_P(ScriptedModelTest, ExportsAndOnnxRuntimeMatchesLibTorch) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  auto inputs = make_inputs(e().specs, 0);  // what the exporter traced with (seed 0)
  std::vector<std::string> names;
  for (const auto& s : e().specs) names.push_back(s.name);
  auto expected = run_reference(scripted_fixture_model(GetParam().model), inputs);
  auto actual = run_onnxruntime(e().onnx, names, inputs);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i]->shape, expected[i]->shape) << "output " << i;
    EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), GetParam().tolerance) << "output " << i;
  }
}

TEST_P(ScriptedModelTest, TagTracesTheScriptedModel) {
  ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  EXPECT_EQ(e().tag_result.exit_code, 0) << e().tag_result.err;
  EXPECT_TRUE(fs::exists(e().retagged));
}

INSTANTIATE_TEST_SUITE_P(Models, ScriptedModelTest,
                         ::testing::Values(Case{"word_language_model", 1e-4}, Case{"fast_neural_style", 1e-4},
                                           Case{"top_level_rnn", 1e-5}, Case{"top_level_lstm", 1e-5},
                                           Case{"top_level_gru", 1e-5}),
                         [](const auto& info) { return info.param.model; });

// `tag` traces the model again; on random ids 0..9 an embedding of 5 fails, and the message
// says to give real inputs; with --input-file it tags.
TEST(TagInputs, RandomInputsThatFailSayToGiveRealOnesAndInputFileTags) {
  TempDir dir;
  std::string model = scripted_fixture_model("small_vocabulary");
  std::string plugins = " --plugin-dir " + quote(plugin_build_dir());
  auto exported = run(quote(modelexport_bin()) + " export " + quote(model) + " " + quote(dir.file("m.onnx")) + plugins +
                      " --input ids:int64:1x4:0..4");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::string tag = quote(modelexport_bin()) + " tag " + quote(dir.file("m.onnx")) + " --model " + quote(model) + " -o " +
                    quote(dir.file("t.onnx")) + plugins;
  auto random = run(tag);
  EXPECT_EQ(random.exit_code, 1);
  EXPECT_NE(random.err.find("modelexport: error: "), std::string::npos) << random.err;
  EXPECT_NE(random.err.find("give real ones with --input-file"), std::string::npos) << random.err;
  EXPECT_FALSE(fs::exists(dir.file("t.onnx")));
  auto saved = run("/usr/bin/python3 -c " +
                   quote("import torch, sys; torch.save(torch.tensor([[4, 0, 3, 1]]), sys.argv[1])") + " " +
                   quote(dir.file("ids.pt")));
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  auto real = run(tag + " --input-file " + quote(dir.file("ids.pt")));
  EXPECT_EQ(real.exit_code, 0) << real.err;
  EXPECT_TRUE(fs::exists(dir.file("t.onnx")));
}

// Exports scripted fixture `name` (one input x:float32:2x8) into `dir`/m.onnx; the outputs
// of ONNX Runtime and of LibTorch on an input other than the traced one (empty on failure).
struct Outputs {
  std::vector<std::shared_ptr<TensorData>> actual, expected;
};
Outputs export_and_run(const std::string& name, TempDir& dir) {
  std::string model = scripted_fixture_model(name);
  auto r = run(quote(modelexport_bin()) + " export " + quote(model) + " " + quote(dir.file("m.onnx")) +
               " --plugin-dir " + quote(plugin_build_dir()) + " --input x:float32:2x8");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return {};
  auto inputs = make_inputs({parse_input_spec("x:float32:2x8")}, 5);
  return {run_onnxruntime(dir.file("m.onnx"), {"x"}, inputs), run_reference(model, inputs)};
}

// Submodules append to the caller's list and store into its dict: the caller's torch.cat
// sees all three tensors and its dict read the stored one, computed (not the example's
// value baked in): checked on an input other than the traced one.
TEST(WritesInCalls, CallerSeesWhatSubmodulesAppendedAndStored) {
  TempDir dir;
  auto [actual, expected] = export_and_run("writes_in_calls", dir);
  ASSERT_EQ(actual.size(), 2u);
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(actual[0]->shape, (std::vector<int64_t>{2, 24}));
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(actual[i]->shape, expected[i]->shape) << "output " << i;
    EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), 1e-5) << "output " << i;
  }
}

// As RAFT's CorrBlock: the parent calls block.build(x) (not forward), which stores a list on
// the block and appends to it; the block's forward reads it. Export matches LibTorch on
// another input, build's ops are the caller's (as torch.onnx.export's trace scopes them),
// and forward's are the block's.
TEST(HelperMethod, StoresOnTheModuleAndItsOpsAreTheCallers) {
  TempDir dir;
  auto [actual, expected] = export_and_run("helper_method", dir);
  ASSERT_EQ(actual.size(), 1u);
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_LE(max_abs_diff(*actual[0], *expected[0]), 1e-5);
  onnx::ModelProto proto;
  proto.ParseFromString(read_file(dir.file("m.onnx")));
  std::map<std::string, std::string> module_of;  // op type -> module
  for (const auto& node : proto.graph().node()) module_of[node.op_type()] = node_metadata(node, kModuleKey);
  EXPECT_EQ(module_of["Relu"], "");  // build's: the root's
  EXPECT_EQ(module_of["Sigmoid"], "");
  EXPECT_EQ(module_of["Gemm"], "block.scale");
}

// GoogLeNetOutputs(logits, None, None): the None items are no ONNX output (as in
// torch.onnx.export), and the summary and the sidecar name them.
TEST(TupleOutputs, NoneItemsAreLeftOutAndNamed) {
  TempDir dir;
  std::string model = scripted_fixture_model("aux_outputs");
  auto r = run(quote(modelexport_bin()) + " export " + quote(model) + " " + quote(dir.file("m.onnx")) +
               " --plugin-dir " + quote(plugin_build_dir()) + " --input x:float32:2x8");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("dropped     None outputs, as torch.onnx.export drops them: [1] aux_logits2, [2] aux_logits1"),
            std::string::npos)
      << r.out;
  std::string sidecar = read_file(dir.file("m_hierarchy.json"));
  EXPECT_NE(sidecar.find("\"dropped_outputs\""), std::string::npos) << sidecar;
  EXPECT_NE(sidecar.find("\"[2] aux_logits1\""), std::string::npos) << sidecar;
  auto inputs = make_inputs({parse_input_spec("x:float32:2x8")}, 0);
  auto expected = run_reference(model, inputs);  // the logits alone: None is no tensor
  auto actual = run_onnxruntime(dir.file("m.onnx"), {"x"}, inputs);
  ASSERT_EQ(actual.size(), 1u);
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_LE(max_abs_diff(*actual[0], *expected[0]), 1e-5);
}

// A top-level nn.RNN's forward is overloaded; inputs that bind to no overload are refused
// naming both, with what the first one needs.
TEST(OverloadedForward, InputsThatBindToNoOverloadAreRefusedNamingTheOverloads) {
  TempDir dir;
  auto r = run(quote(modelexport_bin()) + " export " + quote(scripted_fixture_model("top_level_rnn")) + " " +
               quote(dir.file("m.onnx")) + " --plugin-dir " + quote(plugin_build_dir()) +
               " --input input:float32:5x2x4 --input hidden:float32:2x2x6 --input c:float32:2x2x6");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("modelexport: error: model '"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("forward is overloaded (forward__0(input: Tensor, hx: Optional[Tensor]), forward__1(input: "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("bind to none of them; for forward__0: forward takes 1 input(s)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("is not defined"), std::string::npos) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

// Inputs that bind to two overloads alike are refused naming both, not played by the first.
TEST(OverloadedForward, InputsThatBindToTwoOverloadsAreRefused) {
  TempDir dir;
  auto r = run(quote(modelexport_bin()) + " export " + quote(scripted_fixture_model("two_overloads")) + " " +
               quote(dir.file("m.onnx")) + " --plugin-dir " + quote(plugin_build_dir()) + " --input x:float32:2x8");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("modelexport: error: model '"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("forward is overloaded (forward__0(x: Tensor, scale: float), forward__1(x: Tensor, scale: int)) "
                       "and the inputs given bind to forward__0 and forward__1 alike: both take the same argument "
                       "names and differ only in type (scale: float in forward__0, int in forward__1): give such an "
                       "argument an input or --arg NAME=VALUE that only one of those types takes"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(dir.entries().empty());
  // and a value only one of them takes picks that one
  auto picked = run(quote(modelexport_bin()) + " export " + quote(scripted_fixture_model("two_overloads")) + " " +
                    quote(dir.file("m.onnx")) + " --plugin-dir " + quote(plugin_build_dir()) +
                    " --input x:float32:2x8 --arg scale=3.5");
  EXPECT_EQ(picked.exit_code, 0) << picked.err;
}

}  // namespace
}  // namespace mx::test
