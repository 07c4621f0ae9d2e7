// The export pipeline, phase by phase, with wall times for the summary.
#include "export.h"

#include <onnx/checker.h>

#include <chrono>
#include <set>

#include "atomic_write.h"
#include "convert.h"
#include "error.h"
#include "tag_output.h"
#include "torchscript.h"

namespace mx {
namespace {

class PhaseTimer {
 public:
  explicit PhaseTimer(std::vector<std::pair<std::string, double>>& out) : out_(out) {}
  void done(const std::string& phase) {
    auto now = std::chrono::steady_clock::now();
    out_.emplace_back(phase, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  std::vector<std::pair<std::string, double>>& out_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

ExportReport export_model(const ExportOptions& o) {
  ExportReport r;
  PhaseTimer timer(r.seconds);
  // Everything that can fail cheaply fails before the model is loaded.
  check_writable(o.output_path);
  r.onnx_path = o.output_path;
  r.sidecar_path = sidecar_path_for(o.output_path);
  check_writable(r.sidecar_path);
  const LoadedPlugin& plugin = load_strategy(o.strategy, o.plugin_dirs);
  r.strategy = plugin.manifest.name;
  r.plugin_path = plugin.manifest.library_path;
  timer.done("plugin");

  std::vector<std::string> names;
  for (const auto& spec : o.inputs) names.push_back(spec.name);
  Trace trace = trace_model(o.model_path, names, make_inputs(o.inputs, o.seed));
  timer.done("trace");

  ConvertOptions copts;
  copts.opset = o.opset;
  copts.output_names = o.output_names;
  ConvertedModel model = convert(trace, OpRegistry::builtin(), copts);
  try {
    onnx::checker::check_model(model.model);
  } catch (const std::exception& e) {
    throw Error("internal error: the converted model fails ONNX's checker: " + std::string(e.what()));
  }
  timer.done("convert");

  TagResult tags = run_strategy(plugin, trace, model, o.strategy_options);
  apply_tags(model, trace, tags);
  timer.done("tag");

  const auto& graph = model.model.graph();
  std::string onnx_bytes;
  if (!model.model.SerializeToString(&onnx_bytes)) throw Error("cannot serialize the ONNX model (over 2 GiB?)");
  SidecarInfo info{o.model_path, o.output_path, o.opset, r.seconds};
  write_files_atomically({{r.onnx_path, onnx_bytes}, {r.sidecar_path, sidecar_json(model, trace, tags, info)}});
  timer.done("write");

  r.nodes = graph.node_size();
  r.initializers = graph.initializer_size();
  r.modules = static_cast<int>(trace.modules.size());
  r.decisions = decision_counts(tags);
  std::set<std::string> distinct;
  for (int n = 0; n < graph.node_size(); ++n) {
    r.op_types[graph.node(n).op_type()]++;
    if (tags.node_module[n] >= 0) {
      r.tagged++;
      distinct.insert(*tags.module_tags[tags.node_module[n]]);
    }
  }
  r.distinct_tags = static_cast<int>(distinct.size());
  return r;
}

}  // namespace mx
