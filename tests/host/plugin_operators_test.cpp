// Operator rows from a plugin manifest extend core's converter: a model using an op core
// lacks exports once a plugin folder adds the row, runs in ONNX Runtime like LibTorch, and
// `plugins --verbose` says who added it. A row for an op core has is a reported conflict.
#include <gtest/gtest.h>

#include "model/input_spec.h"
#include "support/plugin_folder.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

// A plugin whose manifest only contributes rows: its library is not loaded for that.
const char* kRows = "operators:\n  - {aten: aten::asinh, onnx: Asinh, since: 9}\n";

class PluginOperators : public ::testing::Test {
 protected:
  void SetUp() override {
    copy_shipped_plugin(plugins.path(), "htp");
    std::string made = out.file("asinh.pt");
    auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/asinh_model.py") + " " + quote(made));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    model = made;
  }
  CommandResult export_model(const std::string& onnx) {
    return run("env -u MODELEXPORT_PLUGIN_PATH " + quote(modelexport_bin()) + " export " + quote(model) + " " +
               quote(onnx) + " --input x:float32:2x8 --plugin-dir " + quote(plugins.path().string()));
  }
  TempDir plugins, out;
  std::string model;
};

TEST_F(PluginOperators, WithoutTheRowTheOpIsUnsupported) {
  auto r = export_model(out.file("m.onnx"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unsupported operator aten::asinh"), std::string::npos) << r.err;
}

TEST_F(PluginOperators, PluginRowConvertsTheOpAndOnnxRuntimeAgreesWithLibTorch) {
  add_plugin(plugins.path(), test_plugin_library("broken_tagger_error.so"), "extra_ops", "1.0", kRows);
  auto r = export_model(out.file("m.onnx"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Asinh 1"), std::string::npos) << r.out;
  EXPECT_EQ(onnx_check_problems(out.file("m.onnx")), "");
  auto inputs = make_inputs({parse_input_spec("x:float32:2x8")}, 0);
  auto expected = run_reference(model, inputs);
  auto actual = run_onnxruntime(out.file("m.onnx"), {"x"}, inputs);
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_LE(max_abs_diff(*actual[0], *expected[0]), 1e-5);
}

TEST_F(PluginOperators, PluginsVerboseSaysWhichPluginAddedWhat) {
  add_plugin(plugins.path(), test_plugin_library("broken_tagger_error.so"), "extra_ops", "1.0", kRows);
  auto r = run(quote(modelexport_bin()) + " plugins --verbose --plugin-dir " + quote(plugins.path().string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto block = r.out.substr(r.out.find("extra_ops "));
  EXPECT_NE(block.find("adds     operator aten::asinh -> Asinh (since opset 9)"), std::string::npos) << r.out;
}

TEST_F(PluginOperators, RowForAnOpCoreConvertsIsReportedAndIgnored) {
  add_plugin(plugins.path(), test_plugin_library("broken_tagger_error.so"), "extra_ops", "1.0",
             std::string(kRows) + "  - {aten: aten::linear, onnx: Gemm}\n");
  auto r = export_model(out.file("m.onnx"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("modelexport: warning: plugin manifest '" + plugins.file("extra_ops.yaml") +
                       "' (line 7): operator aten::linear is already converted by core"),
            std::string::npos)
      << r.err;
  auto list = run(quote(modelexport_bin()) + " plugins --plugin-dir " + quote(plugins.path().string()));
  EXPECT_NE(list.err.find("operator aten::linear is already converted by core"), std::string::npos) << list.err;
}

}  // namespace
}  // namespace mx::test
