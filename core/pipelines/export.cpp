// The export pipeline, phase by phase, with wall times for the summary.
#include "pipelines/export.h"

#include <chrono>
#include <exception>
#include <memory>
#include <thread>

#include "base/atomic_write.h"
#include "base/phase_timer.h"
#include "base/progress.h"
#include "convert/convert.h"
#include "base/error.h"
#include "passes/declared_shapes.h"
#include "passes/fold_batchnorm.h"
#include "passes/remove_dead_nodes.h"
#include "onnx_io/model_io.h"
#include "plugin/plugin_registry.h"
#include "tags/tag_output.h"
#include "torch/torchscript.h"

namespace mx {

ConvertedModel convert_checked(const Trace& trace, const DynamicMarks& dynamic, const OpRegistry& registry,
                               const ExportOptions& o, FoldWeights folding) {
  ConvertOptions copts;
  copts.opset = o.opset;
  copts.output_names = o.output_names;
  ConvertedModel model = convert(trace, dynamic, registry, copts);
  if (o.fold_batchnorm) fold_batchnorm(model, folding);
  remove_dead_nodes(model);
  if (!o.dynamic.empty() || has_data_dependent_sizes(model)) relax_static_dims(model);
  try {
    check_converted(model);
  } catch (const std::exception& e) {
    throw Error("internal error: the converted model fails ONNX's checker: " + std::string(e.what()));
  }
  return model;
}

ExampleInputs check_example_inputs(const ExportOptions& o) {
  ExampleInputs in;
  if (!o.input_file.empty()) {
    if (!o.inputs.empty()) throw Error("give either --input or --input-file, not both");
    if (!o.dynamic.empty())
      throw Error("--dynamic needs --input specs (it traces again with other sizes), not --input-file");
    in.file_inputs = load_inputs(o.input_file);
    if (!o.input_names.empty() && o.input_names.size() != in.file_inputs.size())
      throw Error(std::to_string(o.input_names.size()) + " --input-names for " + std::to_string(in.file_inputs.size()) +
                  " tensors in '" + o.input_file + "'");
    check_names(o.input_names, "--input-names");
    in.names = o.input_names;
    in.names.resize(in.file_inputs.size());
  } else {
    for (const auto& spec : o.inputs) in.names.push_back(spec.name);
    check_names(in.names, "--input");
  }
  return in;
}

TracedModel trace_loaded(const TorchModel& model, const ExampleInputs& in, const ExportOptions& o,
                         const std::function<void()>& inputs_made) {
  TracedModel traced;
  TraceOptions topts;
  topts.args = o.args;
  topts.mode = o.real_trace ? TraceOptions::Mode::Real : TraceOptions::Mode::Meta;
  topts.check = o.check_trace;
  topts.max_ops = o.max_ops;
  topts.ways = &traced.ways;
  if (!o.input_file.empty()) {
    if (inputs_made) inputs_made();  // read before loading the model: nothing left to make
    traced.trace = trace_model(model, in.names, in.file_inputs, topts);
    return traced;
  }
  // The random example inputs are made before tracing, so that the summary times them apart
  // (at 896x896 pixels they cost more than a meta trace).
  auto inputs = make_inputs(o.inputs, o.seed);
  std::vector<std::shared_ptr<TensorData>> resized_data;
  if (!o.dynamic.empty()) resized_data = make_inputs(resized_inputs(o.inputs, o.dynamic), o.seed);
  if (inputs_made) inputs_made();
  traced.trace = trace_model(model, in.names, inputs, topts);
  if (!o.dynamic.empty()) {  // the same loaded model: its weights are not loaded twice
    topts.ways = nullptr;
    Trace resized = trace_model(model, in.names, resized_data, topts);
    traced.dynamic = analyze_dynamic_axes(traced.trace, resized, o.dynamic);
  }
  return traced;
}

TracedModel trace_for_export(const ExportOptions& o, const std::function<void()>& loaded,
                             const std::function<void()>& inputs_made) {
  const ExampleInputs in = check_example_inputs(o);
  TorchModel model(o.model_path);
  if (loaded) loaded();
  return trace_loaded(model, in, o, inputs_made);
}

namespace {

// The model, loaded (with ONNX's schema table built beside it, on a second thread) while
// the plugin's probe child loads the plugin: the probe, the load and the table each take
// 5 to 40 ms on a small model, and the three need nothing of each other. The load's error,
// if any, waits until the probe's outcome is known: a broken plugin is named first, as it
// was when the model was loaded after it.
struct EarlyLoad {
  std::unique_ptr<TorchModel> model;
  std::exception_ptr failed;
  double seconds = 0;

  void operator()(const std::string& path) {
    const auto start = std::chrono::steady_clock::now();
    progress::phase("load");
    std::thread schemas([] {
      try {
        build_onnx_schemas();
      } catch (...) {  // the first check builds it again and meets the problem
      }
    });
    try {
      prepare_torch_load(path);
      model = std::make_unique<TorchModel>(path);
    } catch (...) {
      failed = std::current_exception();
    }
    schemas.join();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  const TorchModel& get(const std::string& path) {
    if (!model && !failed) (*this)(path);  // the plugin was loaded before: nothing ran meanwhile
    if (failed) std::rethrow_exception(failed);
    return *model;
  }
};

}  // namespace

ExportReport export_model(const ExportOptions& o) {
  ExportReport r;
  PhaseTimer timer(r.seconds);
  // Everything that can fail cheaply fails before the model is loaded.
  const std::vector<std::string> inputs{o.model_path, o.input_file};
  check_writable(o.output_path, inputs);
  r.onnx_path = o.output_path;
  r.sidecar_path = sidecar_path_for(o.output_path);
  check_writable(r.sidecar_path, inputs);
  check_writable(data_file_path(o.output_path), inputs);
  check_names(o.output_names, "--output-names");
  const ExampleInputs examples = check_example_inputs(o);
  struct ClearLine {
    ~ClearLine() { progress::finish(); }
  } clear_line;
  EarlyLoad early;
  const auto found = discover_plugins(o.plugin_dirs);  // read once: the strategy and the rows agree
  const LoadedPlugin& plugin =
      load_strategy(o.strategy, found, o.plugin_dirs, o.strategy_timeout, [&] { early(o.model_path); });
  r.strategy = plugin.manifest.name;
  r.plugin_path = plugin.manifest.library_path;
  PluginEntries entries = merge_plugin_entries(OpRegistry::builtin(), found);  // operator rows, auxiliary ops
  r.warnings = entries.conflicts;
  const TorchModel& torch_model = early.get(o.model_path);
  timer.done("plugin");
  timer.carve("load", early.seconds);

  TracedModel traced = trace_loaded(torch_model, examples, o, [&] { timer.done("inputs"); });
  const Trace& trace = traced.trace;
  timer.done("trace");

  progress::phase("convert");
  // The module is not run again: the folded weights may take the place of the originals.
  ConvertedModel model = convert_checked(trace, traced.dynamic, entries.registry, o, FoldWeights::InPlace);
  timer.done("convert");
  progress::phase("tag");

  TagResult tags = run_strategy(plugin, trace, model, o.strategy_options, entries.auxiliary, o.strategy_timeout);
  apply_tags(model, trace, tags);
  timer.done("tag");

  const auto& graph = model.model.graph();
  SidecarInfo info{o.model_path, o.output_path, o.opset, r.seconds};
  std::string sidecar = sidecar_json(model, trace, tags, info);
  // Streamed, weights straight from LibTorch's memory (see model_io.h), to the data file
  // beside the model when they go there.
  ExternalPlan plan = plan_external_data(model, o.external, data_file_name(o.output_path));
  progress::phase("write", written_bytes_bound(model), progress::Unit::Bytes);
  std::vector<OutputFile> files = model_files(model, r.onnx_path, plan);
  files.push_back({r.sidecar_path, [&](std::ostream& out) { out << sidecar; }});
  write_outputs_atomically(files);
  if (!plan.empty()) r.data_path = data_file_path(o.output_path), r.data_bytes = plan.data_bytes;
  timer.done("write");

  r.nodes = graph.node_size();
  r.initializers = graph.initializer_size();
  r.modules = static_cast<int>(trace.modules.size());
  r.control_flow = trace.control_flow_summary();
  r.dropped_outputs = trace.dropped_outputs;
  r.trace_ways = traced.ways;
  r.decisions = decision_counts(tags);
  for (const auto& node : graph.node()) r.op_types[node.op_type()]++;
  auto counts = count_tags(tags);
  r.tagged = counts.tagged;
  r.distinct_tags = counts.distinct_tags;
  return r;
}

}  // namespace mx
