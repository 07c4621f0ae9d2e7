// The export pipeline: load + trace, convert, check, tag with a strategy, write.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/dynamic_axes.h"
#include "model/input_spec.h"
#include "model/trace_ways.h"
#include "onnx_io/external_plan.h"
#include "passes/fold_batchnorm.h"
#include "plugin/plugin_host.h"

namespace mx {

class TorchModel;  // torch/torchscript.h

struct ExportOptions {
  std::string model_path;
  std::string output_path;
  std::vector<InputSpec> inputs;
  std::string strategy = "htp";
  std::vector<std::string> plugin_dirs;               // the whole search path (see plugin_search_path)
  Options strategy_options;                           // --strategy-opt KEY=VALUE
  double strategy_timeout = kDefaultStrategyTimeout;  // --strategy-timeout SECONDS (0: none)
  int opset = 17;
  uint64_t seed = 0;
  std::vector<std::string> output_names;
  std::vector<DynamicAxis> dynamic;      // --dynamic NAME:AXIS[:LABEL]
  bool fold_batchnorm = true;            // --keep-batchnorm turns it off
  std::string input_file;                // --input-file: tensors saved with torch.save, instead of `inputs`
  std::vector<std::string> input_names;  // --input-names for the file's tensors (default: forward's)
  ExternalDataOptions external;          // --external-data, --external-data-threshold
  std::vector<ArgSpec> args;             // --arg NAME=VALUE: forward's number, bool and string arguments
  bool real_trace = false;               // --trace real: every op on real data (default: meta)
  bool check_trace = false;              // --check: a meta trace is checked against a real one
  int64_t max_ops = kDefaultMaxTraceOps;  // --max-ops: the trace stops after this many ops (0: none)
};

struct ExportReport {
  std::string onnx_path, sidecar_path, strategy, plugin_path;
  std::string data_path;  // the external data file; "" when every weight is inline
  uint64_t data_bytes = 0;
  int nodes = 0, tagged = 0, modules = 0, distinct_tags = 0, initializers = 0;
  std::map<std::string, int> decisions;
  std::map<std::string, int> op_types;
  std::vector<std::pair<std::string, double>> seconds;  // phase -> wall seconds
  std::vector<std::string> warnings;                    // e.g. plugin registry conflicts
  std::string control_flow;                             // Trace::control_flow_summary()
  std::vector<std::string> dropped_outputs;             // Trace::dropped_outputs
  TraceWays trace_ways;                                 // how the trace ran its ops
};

// A trace and, beside it, what of it depends on dynamic axes (empty without --dynamic).
struct TracedModel {
  Trace trace;
  DynamicMarks dynamic;
  TraceWays ways;  // of the first trace
};

// The example inputs' names and, with --input-file, their tensors, checked (names unique,
// one spelling of the inputs): what can fail before the model is loaded.
struct ExampleInputs {
  std::vector<std::string> names;
  std::vector<std::shared_ptr<TensorData>> file_inputs;
};
ExampleInputs check_example_inputs(const ExportOptions& options);

// trace_for_export's trace of a model loaded already, on inputs checked already.
TracedModel trace_loaded(const TorchModel& model, const ExampleInputs& inputs, const ExportOptions& options,
                         const std::function<void()>& inputs_made = {});

// Traces the model on the example inputs; with dynamic axes, traces it again with those
// axes resized and finds what depends on them (see dynamic_axes.h). `loaded`, if given, is
// called once the model is loaded, `inputs_made` once the random example inputs are made
// (the summary times loading and making inputs apart from tracing).
TracedModel trace_for_export(const ExportOptions& options, const std::function<void()>& loaded = {},
                             const std::function<void()>& inputs_made = {});

// Throws mx::Error with a complete message; on error no output file exists.
ExportReport export_model(const ExportOptions& options);

// Converts with `registry` (opset and output names from `options`) and runs ONNX's checker.
// `folding`: see passes/fold_batchnorm.h (InPlace: nothing reads the module's weights after this).
ConvertedModel convert_checked(const Trace& trace, const DynamicMarks& dynamic, const OpRegistry& registry,
                               const ExportOptions& options, FoldWeights folding = FoldWeights::Copy);

}  // namespace mx
