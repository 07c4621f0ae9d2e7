// `modelexport export` on forwards that take more than a tuple of tensors
// (tests/fixtures/forward_signatures.py): defaults left out, Optional tensors, lists,
// tuples and dicts of tensors as flat named graph inputs, int/str/bool constants. ONNX
// Runtime runs each export on the fixture's real inputs and is checked against Python's
// own call of the model with those inputs put into its arguments.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <nlohmann/json.hpp>

#include "onnx_io/onnx_file.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

CommandResult export_case(const std::string& name, const std::string& onnx, const std::string& extra = "") {
  std::string inputs;
  for (const auto& s : signature_fixture_inputs(name)) inputs += " --input " + quote(s);
  return run(quote(modelexport_bin()) + " export " + quote(signature_fixture_model(name)) + " " + quote(onnx) +
             " --plugin-dir " + quote(plugin_build_dir()) + inputs + extra);
}

std::vector<std::string> graph_input_names(const std::string& onnx) {
  std::vector<std::string> names;
  auto model = read_onnx_file(onnx);
  for (const auto& in : model.graph().input()) names.push_back(in.name());
  return names;
}

// The spec names, which the fixture also uses for its inputs file's order.
std::vector<std::string> spec_names(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : signature_fixture_inputs(name)) names.push_back(s.substr(0, s.find(':')));
  return names;
}

// Exports case `name` (with `extra` options), then runs ONNX Runtime on the fixture's
// real inputs (not the random ones the export traced) against Python's outputs.
void expect_matches_python(const std::string& name, const std::string& extra = "") {
  SCOPED_TRACE(name);
  TempDir dir;
  auto r = export_case(name, dir.file("m.onnx"), extra);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(graph_input_names(dir.file("m.onnx")), spec_names(name));
  std::string model = signature_fixture_model(name);
  auto inputs = load_inputs(model + ".inputs.pt");
  auto expected = load_inputs(model + ".expected.pt");
  auto actual = run_onnxruntime(dir.file("m.onnx"), spec_names(name), inputs);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i]->shape, expected[i]->shape) << "output " << i;
    EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), 1e-5) << "output " << i;
  }
}

TEST(ForwardSignatures, OptionalArgumentLeftOutTakesItsDefault) { expect_matches_python("optional_omitted"); }

TEST(ForwardSignatures, OptionalTensorGiven) { expect_matches_python("optional_given"); }

TEST(ForwardSignatures, ListItemsBecomeNamedGraphInputs) {
  expect_matches_python("list_arg");
  expect_matches_python("list_arg_traced");
}

TEST(ForwardSignatures, TupleItemsBecomeNamedGraphInputs) { expect_matches_python("tuple_arg"); }

// nn.LSTM's forward with hx given: scripted, hx is Optional[Tuple[Tensor, Tensor]] (the
// optional container is fed as the container); traced, a tuple.
TEST(ForwardSignatures, OptionalTupleStateGivenAsItsItems) {
  expect_matches_python("lstm_state_given");
  expect_matches_python("lstm_state_given_traced");
}

TEST(ForwardSignatures, DictItemsBecomeNamedGraphInputsInTheOrderGiven) { expect_matches_python("dict_arg"); }

TEST(ForwardSignatures, IntArgumentIsAConstantRecordedInTheSidecar) {
  expect_matches_python("int_arg", " --arg n=3");
  TempDir dir;
  auto r = export_case("int_arg", dir.file("m.onnx"), " --arg n=3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto sidecar = nlohmann::json::parse(read_file(dir.file("m_hierarchy.json")));
  auto args = sidecar.at("arguments");
  ASSERT_EQ(args.size(), 3u) << args;
  EXPECT_EQ(args[0], (nlohmann::json{{"name", "n"}, {"type", "int"}, {"value", "3"}, {"defaulted", false}})) << args;
  EXPECT_EQ(args[1], (nlohmann::json{{"name", "mode"}, {"type", "str"}, {"value", "sum"}, {"defaulted", true}}));
  EXPECT_EQ(args[2], (nlohmann::json{{"name", "square"}, {"type", "bool"}, {"value", "False"}, {"defaulted", true}}));
  // Another n is another graph: 5 Linear layers instead of 3.
  auto five = export_case("int_arg", dir.file("five.onnx"), " --arg n=5");
  ASSERT_EQ(five.exit_code, 0) << five.err;
  int gemms3 = 0, gemms5 = 0;
  auto m3 = read_onnx_file(dir.file("m.onnx")), m5 = read_onnx_file(dir.file("five.onnx"));
  for (const auto& n : m3.graph().node()) gemms3 += n.op_type() == "Gemm";
  for (const auto& n : m5.graph().node()) gemms5 += n.op_type() == "Gemm";
  EXPECT_EQ(gemms3, 3);
  EXPECT_EQ(gemms5, 5);
}

TEST(ForwardSignatures, InputFileTensorsNamedByItems) {
  TempDir dir;
  std::string model = signature_fixture_model("dict_arg");
  auto r = run(quote(modelexport_bin()) + " export " + quote(model) + " " + quote(dir.file("m.onnx")) +
               " --plugin-dir " + quote(plugin_build_dir()) + " --input-file " + quote(model + ".inputs.pt") +
               " --input-names feats.text,feats.image");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(graph_input_names(dir.file("m.onnx")), (std::vector<std::string>{"feats.text", "feats.image"}));
}

struct Refusal {
  std::string model, extra, says;
};

TEST(ForwardSignatures, WhatCannotBeBoundIsRefusedNamingTheArgument) {
  const std::vector<Refusal> cases{
      {"int_arg", "", "forward's argument 'n' (int) has no default: give it with --arg n=VALUE"},
      {"int_arg", " --arg n=three", "--arg n=three: forward's argument 'n' is int and 'three' is not a whole number"},
      {"int_arg", " --arg m=3", "--arg m: forward has no argument 'm' (forward takes x: Tensor, n: int, mode: str"},
      {"int_arg", " --arg x=3 --arg n=1", "--arg x: forward's argument 'x' is Tensor, not a number, bool or string"},
      {"int_arg", " --arg n=1 --arg n=2", "--arg n is given twice"},
      {"list_arg", " --input xs.4:float32:2x4",
       "input 'xs.4': forward's argument 'xs' (List[Tensor]) is given 4 item(s), so its items are xs.0 to xs.3"},
      {"tuple_arg", " --input pair.x:float32:3x4", "whose items are numbered: pair.0, pair.1"},
      {"nested_non_tensor_output", "", "forward's output [1][1] is an int"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.model + c.extra);
    TempDir dir;
    auto r = export_case(c.model, dir.file("m.onnx"), c.extra);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_TRUE(dir.entries().empty());
  }
}

TEST(ForwardSignatures, ListItemsGivenInOrderWithoutNamesAreRefusedWithHowToName) {
  TempDir dir;
  auto r = run(quote(modelexport_bin()) + " export " + quote(signature_fixture_model("list_arg")) + " " +
               quote(dir.file("m.onnx")) + " --plugin-dir " + quote(plugin_build_dir()) + " --input a:float32:2x4");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("forward's argument 'xs' is List[Tensor]; give it with one --input per item, xs.0:DTYPE:DIMS"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mx::test
