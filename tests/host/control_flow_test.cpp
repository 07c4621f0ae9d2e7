// Scripted ifs and loops (tests/fixtures/scripted_models.py) through `modelexport export`:
// specialised to the example input and said so, or refused with the construct named.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/input_spec.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

CommandResult export_scripted(const std::string& model, const std::string& onnx, const std::string& extra = "") {
  std::string inputs;
  for (const auto& s : scripted_fixture_inputs(model)) inputs += " --input " + quote(s);
  return run(quote(modelexport_bin()) + " export " + quote(scripted_fixture_model(model)) + " " + quote(onnx) +
             " --plugin-dir " + quote(plugin_build_dir()) + inputs + extra);
}

TEST(ScriptedControlFlow, BranchesAndLoopAreSpecialisedAndTheSummaryAndSidecarSaySo) {
  TempDir dir;
  auto r = export_scripted("branches_and_loop", dir.file("m.onnx"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 branches and 1 loop specialised to the example input"), std::string::npos) << r.out;
  std::string sidecar = read_file(dir.file("m_hierarchy.json"));
  EXPECT_NE(sidecar.find("\"control_flow\": \"2 branches and 1 loop specialised to the example input\""),
            std::string::npos)
      << sidecar;
  EXPECT_NE(sidecar.find("\"construct\": \"while loop at scripted_models.py:"), std::string::npos) << sidecar;
  EXPECT_NE(sidecar.find("\"kind\": \"loop\""), std::string::npos);
  // The loop ran twice: two Linear layers' worth of Gemm, checked against LibTorch.
  auto inputs = make_inputs({parse_input_spec(scripted_fixture_inputs("branches_and_loop")[0])}, 0);
  auto expected = run_reference(scripted_fixture_model("branches_and_loop"), inputs);
  auto actual = run_onnxruntime(dir.file("m.onnx"), {"x"}, inputs);
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_LE(max_abs_diff(*actual[0], *expected[0]), 1e-5);
}

TEST(ScriptedControlFlow, IntWhileLoopNeedsNoComparisonConverter) {
  TempDir dir;
  auto r = export_scripted("while_loop", dir.file("m.onnx"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 loop specialised to the example input"), std::string::npos) << r.out;
}

TEST(ScriptedControlFlow, ConditionOnTheInputsValuesIsRefusedNamingTheConstruct) {
  TempDir dir;
  auto r = export_scripted("data_loop", dir.file("m.onnx"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("modelexport: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at scripted_models.py:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in module '<root>' (DataLoop) depends on the input's values"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("aten::lt"), std::string::npos) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ScriptedControlFlow, TripCountOnADynamicSizeIsRefusedNamingTheLoopAndItsModule) {
  TempDir dir;
  auto r = export_scripted("size_loop", dir.file("m.onnx"), " --dynamic x:0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the while loop at scripted_models.py:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in module '<root>' (SizeLoop) runs 2 times at one size and 3 at the other"), std::string::npos)
      << r.err;
  EXPECT_TRUE(dir.entries().empty());
  // Without --dynamic the same loop is specialised to the example's two rows.
  auto fixed = export_scripted("size_loop", dir.file("m.onnx"));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
}

// Batches 2 and 3 both take the branch of `if x.size(0) > 1`: comparing the two traces
// shows nothing, yet batch 1 goes the other way, so the if is refused, not specialised.
TEST(ScriptedControlFlow, BranchOnADynamicSizeIsRefusedEvenWhenBothSizesTakeIt) {
  TempDir dir;
  auto r = export_scripted("size_branch", dir.file("m.onnx"), " --dynamic x:0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("modelexport: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the condition of the if at scripted_models.py:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in module '<root>' (SizeBranch) depends on a dynamic size"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(dir.entries().empty());
  auto fixed = export_scripted("size_branch", dir.file("m.onnx"));
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
}

// An if on the input's values is refused with or without --dynamic: never specialised.
TEST(ScriptedControlFlow, BranchOnTheInputsValuesIsRefusedUnderDynamic) {
  TempDir dir;
  auto r = export_scripted("data_branch", dir.file("m.onnx"), " --dynamic x:0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the condition of the if at scripted_models.py:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in module '<root>' (DataBranch) depends on the input's values"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ScriptedControlFlow, LoopOverAStaticSizeStaysSpecialisedUnderDynamicBatch) {
  TempDir dir;
  auto r = export_scripted("grow_loop", dir.file("m.onnx"), " --dynamic x:0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 branch and 1 loop specialised to the example input"), std::string::npos) << r.out;
  // Batch 5, not the traced 2: the loop (two doublings of 8 features) holds at any batch.
  auto inputs = make_inputs({parse_input_spec("x:float32:5x8")}, 7);
  auto expected = run_reference(scripted_fixture_model("grow_loop"), inputs);
  auto actual = run_onnxruntime(dir.file("m.onnx"), {"x"}, inputs);
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_EQ(actual[0]->shape, (std::vector<int64_t>{5, 4}));
  EXPECT_LE(max_abs_diff(*actual[0], *expected[0]), 1e-5);
}

}  // namespace
}  // namespace mx::test
