// Fixture models with their example inputs, exported once per test process per strategy,
// for end-to-end tests of strategies and `compare`.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "test_env.h"

namespace mx::test {

struct ModelCase {
  std::string model;       // make_model.py name
  std::string input_args;  // "--input x:float32:2x16 ..."
};

// mlp, resnet18, the BERT-like model, nn.TransformerEncoder, LSTM+GRU.
std::vector<ModelCase> strategy_model_cases();

struct ModelExport {
  CommandResult result;
  std::string onnx, sidecar;
  onnx::ModelProto proto;  // empty if the export failed (tests assert result.exit_code first)
};

// `modelexport export` of the case with `strategy` from the build tree's plugins; cached.
const ModelExport& export_with(const ModelCase& c, const std::string& strategy);

// The case named `model` ("resnet18", "bert", ...) of strategy_model_cases().
ModelCase model_case(const std::string& model);

// Runs `onnx` (an export of the make_model.py model `model`) `runs` times in ONNX Runtime
// with profiling on and graph optimization `level` (tests/ort/profile_model.js): writes
// DIR/profile.json and DIR/ort_graph.onnx, ORT's optimized graph of the session.
CommandResult profile_in_onnxruntime(const std::string& onnx, const std::string& model, const std::string& dir,
                                     const std::string& level, int runs);

}  // namespace mx::test
