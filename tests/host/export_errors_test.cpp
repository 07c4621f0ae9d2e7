// `modelexport export` on bad input: one clear message naming the thing and the reason,
// a non-zero exit, and no output file left behind.
#include <gtest/gtest.h>

#include <fstream>

#include "support/test_env.h"

namespace mx::test {
namespace {

class ExportErrors : public ::testing::Test {
 protected:
  CommandResult export_to(const std::string& model, const std::string& out, const std::string& extra) {
    return run(quote(modelexport_bin()) + " export " + quote(model) + " " + quote(out) + " --plugin-dir " +
               quote(plugin_build_dir()) + " " + extra);
  }
  // Exactly one line, on stderr, starting like every error of ours.
  static void expect_one_error_line(const CommandResult& r) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  TempDir out;
};

TEST_F(ExportErrors, MissingModelFile) {
  auto r = export_to(out.file("nothing.pt"), out.file("m.onnx"), "--input x:float32:2x16");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("nothing.pt' does not exist"), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, FileThatIsNotTorchScript) {
  std::string bogus = out.file("bogus.pt");
  std::ofstream(bogus) << "this is not a zip archive\n";
  auto r = export_to(bogus, out.file("m.onnx"), "--input x:float32:2x16");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("bogus.pt' is not a TorchScript file"), std::string::npos) << r.err;
  EXPECT_EQ(out.entries(), std::vector<std::string>{"bogus.pt"});
}

TEST_F(ExportErrors, InputCountDoesNotMatchForward) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float32:2x16 --input y:float32:2x16");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("forward takes 1 input(s) (x) but 2 were given"), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, MissingInputs) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("forward takes 1 input(s) (x) but 0 were given"), std::string::npos) << r.err;
}

TEST_F(ExportErrors, UnknownInputDtype) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float33:2x16");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("bad --input 'x:float33:2x16': unknown dtype 'float33'"), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, InputShapeThatForwardRejects) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float32:2x5");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("running aten::linear in module 'encoder.blocks.0.layers.0' failed"), std::string::npos)
      << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, UnsupportedOperatorNamesOpOverloadAndModule) {
  auto r = export_to(fixture_model("unsupported"), out.file("m.onnx"), "--input x:float32:2x8");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("unsupported operator aten::cumprod (overload 'default') in module 'inner' (Inner)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("under `operators:` in its manifest"), std::string::npos) << "says how to add it: " << r.err;
  EXPECT_NE(r.err.find("core/convert/ops"), std::string::npos) << "says how to add it: " << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, OutputFolderThatDoesNotExist) {
  auto r = export_to(fixture_model("mlp"), out.file("missing/m.onnx"), "--input x:float32:2x16");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("cannot write '" + out.file("missing/m.onnx") + "': folder"), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, OutputUnderAFileLeavesNothing) {
  std::ofstream(out.file("plain")) << "x";
  auto r = export_to(fixture_model("mlp"), out.file("plain/m.onnx"), "--input x:float32:2x16");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_EQ(out.entries(), std::vector<std::string>{"plain"});
}

TEST_F(ExportErrors, UnsupportedOpset) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float32:2x16 --opset 9");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("opset 9 is not supported (supported: 14 to 17)"), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, NegativeStrategyTimeout) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float32:2x16 --strategy-timeout -1");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--strategy-timeout must be 0 (no limit) or a number of seconds, got -1"), std::string::npos)
      << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, UnknownOptionPointsToHelp) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float32:2x16 --frobnicate");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("modelexport export --help"), std::string::npos) << r.err;
}

TEST_F(ExportErrors, InputFileThatTorchSaveDidNotWrite) {
  std::string bogus = out.file("inputs.pt");
  std::ofstream(bogus) << "not a pickle";
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input-file " + quote(bogus));
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("input file '" + bogus + "' is not a tensor or tuple of tensors saved with torch.save"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(out.entries(), std::vector<std::string>{"inputs.pt"});
}

TEST_F(ExportErrors, TwoInputsWithOneName) {
  auto r =
      export_to(fixture_model("bert"), out.file("m.onnx"), "--input ids:int64:1x16:0..99 --input ids:int64:1x16:0..1");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--input: 'ids' is given twice"), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExportErrors, BadDynamicAxis) {
  auto r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float32:2x16 --dynamic x:2");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--dynamic x:2: input 'x' has only 2 dims"), std::string::npos) << r.err;
  r = export_to(fixture_model("mlp"), out.file("m.onnx"), "--input x:float32:2x16 --dynamic y:0");
  expect_one_error_line(r);
  EXPECT_NE(r.err.find("--dynamic names input 'y', which no --input declares"), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty());
}

// The BERT-like model returns two tensors; each bad --output-names is one message naming
// the problem, caught before anything is written.
class ExportOutputNameErrors : public ExportErrors {
 protected:
  CommandResult export_bert(const std::string& output_names) {
    std::string inputs;
    for (const auto& s : fixture_inputs("bert")) inputs += " --input " + s;
    return export_to(fixture_model("bert"), out.file("m.onnx"), "--output-names " + quote(output_names) + inputs);
  }
  void expect_error(const std::string& output_names, const std::string& message) {
    auto r = export_bert(output_names);
    expect_one_error_line(r);
    EXPECT_NE(r.err.find(message), std::string::npos) << "--output-names '" << output_names << "': " << r.err;
    EXPECT_TRUE(out.entries().empty()) << "--output-names '" << output_names << "'";
  }
};

TEST_F(ExportOutputNameErrors, MoreNamesThanOutputs) {
  expect_error("a,b,c", "--output-names gives 3 name(s) but the model has 2 output(s)");
}

TEST_F(ExportOutputNameErrors, FewerNamesThanOutputs) {
  expect_error("a", "--output-names gives 1 name(s) but the model has 2 output(s)");
}

TEST_F(ExportOutputNameErrors, DuplicateName) { expect_error("a,a", "--output-names: 'a' is given twice"); }

TEST_F(ExportOutputNameErrors, EmptyName) {
  expect_error("a,", "--output-names: name 2 of 2 is empty");
  expect_error(",b", "--output-names: name 1 of 2 is empty");
  expect_error("", "--output-names: name 1 of 1 is empty");
}

TEST_F(ExportOutputNameErrors, NameOfAnInput) {
  expect_error("input_ids,b", "--output-names: 'input_ids' is already the name of a graph input");
}

TEST(ExportHelp, ExplainsInputsAndStrategies) {
  auto r = run(quote(modelexport_bin()) + " export --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word :
       {"--input", "NAME:DTYPE:DIMS", "--strategy", "--plugin-dir", "--opset", "MODELEXPORT_PLUGIN_PATH"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace mx::test
