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

}  // namespace mx::test
