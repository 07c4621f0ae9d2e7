// `modelexport tag`: tags an ONNX file that PyTorch's own exporter wrote, from the module
// scopes in its node names and the TorchScript model's module tree.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/input_spec.h"
#include "onnx_io/external_plan.h"
#include "model/trace_ways.h"
#include "plugin/plugin_host.h"
#include "plugin/plugin_manifest.h"

namespace mx {

struct ForeignTagOptions {
  std::string onnx_path, output_path;
  std::string model_path;  // empty: the modules come from torch 2.x's node metadata
  std::vector<InputSpec> inputs;  // empty: the ONNX file's graph inputs (names, dtypes, shapes)
  std::string input_file;         // real example inputs saved with torch.save (instead of inputs)
  std::vector<ArgSpec> args;      // --arg NAME=VALUE: forward's number, bool and string arguments
  uint64_t seed = 0;
  int64_t max_ops = kDefaultMaxTraceOps;  // --max-ops: the trace stops after this many ops (0: none)
  std::string strategy = "htp";          // whose tag builder names modules, and whose tagger
  std::vector<std::string> plugin_dirs;  // resolves nodes without a usable scope
  Options strategy_options;
  double strategy_timeout = kDefaultStrategyTimeout;  // --strategy-timeout SECONDS (0: none)
  ExternalDataOptions external;                       // how OUT.onnx keeps its weights
};

// How many nodes each rule resolved, in the order the rules apply.
struct ForeignTagReport {
  std::string sidecar_path, strategy;
  std::string data_path;  // OUT.onnx's external data file; "" when its weights are inline
  int nodes = 0, tagged = 0, modules = 0, distinct_tags = 0;
  int by_metadata = 0;                         // without --model: torch 2.x's metadata names a module
  int by_scope = 0;                            // the scope path names a module
  int by_repeated_call = 0;                    // ... after dropping the "_N" of a repeated call
  int by_root_scope = 0;                       // "/Op": an op of the root module's own forward
  int by_graph = 0;                            // the rest (no scope, a scope naming no module, root-scope
                                               // constants): the strategy's graph rules, as for auxiliary nodes
  std::map<std::string, int> graph_decisions;  // of the by_graph nodes: consumer, producer, ...
  std::vector<std::string> unknown_scopes;     // up to 5 scope paths that named no module
  std::map<std::string, int> decisions;
  std::vector<std::pair<std::string, double>> seconds;
  std::vector<std::string> warnings;
};

// Throws mx::Error with a complete message; on error no output file exists.
ForeignTagReport tag_foreign_model(const ForeignTagOptions& options);

// Example input specs from the graph inputs of `model` (those that are not initializers).
// Throws mx::Error naming the input whose type or shape is not fixed (give --input then).
std::vector<InputSpec> input_specs_from_onnx(const onnx::ModelProto& model, const std::string& label);

}  // namespace mx
