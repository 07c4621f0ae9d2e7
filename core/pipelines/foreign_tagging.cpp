// Foreign tagging: trace the TorchScript model for its module tree, let the strategy build
// the module tags, map each node's scope path to a module, and let the strategy's tagger
// place the nodes without a usable scope exactly as it places auxiliary nodes of our export.
#include "pipelines/foreign_tagging.h"

#include <set>

#include "base/atomic_write.h"
#include "base/phase_timer.h"
#include "base/error.h"
#include "onnx_io/external_data.h"
#include "onnx_io/external_source.h"
#include "onnx_io/model_io.h"
#include "onnx_io/onnx_file.h"
#include "convert/onnx_graph.h"
#include "model/dynamic_marks.h"
#include "plugin/plugin_host.h"
#include "plugin/plugin_registry.h"
#include "tags/scope_names.h"
#include "tags/tag_output.h"
#include "tags/torch_metadata.h"
#include "torch/torchscript.h"

namespace mx {
namespace {

// The module calls that lead to module `m`, outermost (the root) first.
std::vector<int64_t> call_stack(const std::vector<Module>& modules, int64_t m) {
  std::vector<int64_t> stack;
  for (int64_t a = m; a >= 0; a = modules[a].parent) stack.insert(stack.begin(), a);
  return stack;
}

// Records `node` as an op that ran in module `m`: a trace entry for the node itself (its
// ONNX op, its module's call stack), the values it makes produced by that entry.
void add_node_entry(Trace& t, ConvertedModel& model, const onnx::NodeProto& node, int64_t m) {
  TraceEntry e;
  const bool standard = node.domain().empty() || node.domain() == "ai.onnx";
  e.op = (standard ? std::string("onnx") : node.domain()) + "::" + node.op_type();
  e.module_stack = call_stack(t.modules, m);
  const auto id = static_cast<int64_t>(t.entries.size());
  for (const auto& name : node.output()) {
    if (name.empty()) continue;
    Value v;
    v.kind = Value::Kind::Tensor;
    v.debug_name = name;
    v.producer = id;
    e.outputs.push_back(static_cast<int64_t>(t.values.size()));
    model.value_ids[name] = static_cast<int64_t>(t.values.size());
    t.values.push_back(std::move(v));
  }
  t.entries.push_back(std::move(e));
  model.origins.push_back({id, true});
}

// PyTorch gives the root scope ("/Op") both to ops of the root module's own forward and to
// nodes its passes create without a scope; only the former are the root's. The trace tells
// whether the root's forward computes anything itself (ResNet's flatten, BERT's mask).
bool root_computes_itself(const Trace& trace) {
  for (size_t i = 0; i < trace.entries.size(); ++i)
    if (trace.entries[i].module_stack.size() == 1 && !is_folded(trace, DynamicMarks{}, static_cast<int64_t>(i)))
      return true;
  return false;
}

// Constants and identities are what those passes make (folded values, deduplicated
// initializers): they are placed through the graph even at the root scope.
bool carries_no_computation(const onnx::NodeProto& node) {
  return node.op_type() == "Constant" || node.op_type() == "Identity";
}

// The strategies' input for a foreign file, built from its node scopes: the real module
// tree, and an entry for every node that its scope (or the root's own forward) places;
// the other nodes get no entry and are placed by the strategy's graph rules.
Trace place_by_scope(const Trace& real, ConvertedModel& model, ForeignTagReport& r) {
  Trace trace;
  trace.model_path = real.model_path;
  trace.modules = real.modules;
  trace.constant_args = real.constant_args;
  ScopeResolver resolver(trace.modules);
  const bool root_computes = root_computes_itself(real);
  std::set<std::string> unknown;
  for (const auto& node : model.model.graph().node()) {
    ScopedName s = parse_scoped_name(node.name());
    ScopeResolver::Result res;
    if (s.has_scope && !s.scopes.empty()) res = resolver.resolve(s.scopes);
    if (res.module >= 0) {
      add_node_entry(trace, model, node, res.module);
      (res.repeated_call ? r.by_repeated_call : r.by_scope)++;
      continue;
    }
    if (s.has_scope && s.scopes.empty() && root_computes && !carries_no_computation(node)) {
      add_node_entry(trace, model, node, 0);
      r.by_root_scope++;
      continue;
    }
    if (s.has_scope && !s.scopes.empty()) {
      std::string path;
      for (const auto& scope : s.scopes) path += "/" + scope;
      if (unknown.insert(path).second && r.unknown_scopes.size() < 5) r.unknown_scopes.push_back(path);
    }
    model.origins.push_back({});
    r.by_graph++;
  }
  return trace;
}

// The strategies' input for a file of torch 2.x's exporter, from its node metadata alone:
// the module tree it describes, and an entry for every node whose metadata names a module
// (but the root for a constant).
Trace place_by_metadata(ConvertedModel& model, ForeignTagReport& r, const std::string& label) {
  TorchModuleMetadata meta = modules_from_node_metadata(model.model.graph(), label);
  Trace trace;
  trace.modules = std::move(meta.modules);
  const auto& graph = model.model.graph();
  for (int n = 0; n < graph.node_size(); ++n) {
    // Root-level constants are what export passes make, as with scopes (see above).
    if (meta.node_module[n] < 0 || (meta.node_module[n] == 0 && carries_no_computation(graph.node(n)))) {
      model.origins.push_back({});
      r.by_graph++;
      continue;
    }
    add_node_entry(trace, model, graph.node(n), meta.node_module[n]);
    r.by_metadata++;
  }
  return trace;
}

int default_opset(const onnx::ModelProto& model) {
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return static_cast<int>(o.version());
  return 0;
}

// The model run on the given inputs, or on random ones made to the ONNX graph's inputs;
// a model whose ops need valid values (sorted lengths, ids in range) fails on random ones.
Trace trace_for_tagging(const ForeignTagOptions& o, const onnx::ModelProto& onnx) {
  TraceOptions topts;
  topts.args = o.args;
  topts.max_ops = o.max_ops;
  if (!o.input_file.empty()) {
    if (!o.inputs.empty()) throw Error("give either --input or --input-file, not both");
    auto data = load_inputs(o.input_file);
    std::vector<std::string> names;  // the foreign graph's, in order: they name the same inputs
    std::set<std::string> initializers;
    for (const auto& init : onnx.graph().initializer()) initializers.insert(init.name());
    for (const auto& in : onnx.graph().input())
      if (!initializers.count(in.name())) names.push_back(in.name());
    names.resize(data.size());
    return trace_model(o.model_path, names, data, topts);
  }
  TorchModel model(o.model_path);  // a file that does not load is not the inputs' fault
  bool random = o.inputs.empty();
  std::vector<InputSpec> specs = random ? input_specs_from_onnx(onnx, o.onnx_path) : o.inputs;
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  try {
    return trace_model(model, names, make_inputs(specs, o.seed), topts);
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " (on random example inputs" + (random ? " made to the ONNX graph's inputs" : "") +
                "; give real ones with --input-file FILE, tensors saved with torch.save)");
  }
}

}  // namespace

std::vector<InputSpec> input_specs_from_onnx(const onnx::ModelProto& model, const std::string& label) {
  std::set<std::string> initializers;
  for (const auto& init : model.graph().initializer()) initializers.insert(init.name());
  std::vector<InputSpec> specs;
  for (const auto& in : model.graph().input()) {
    if (initializers.count(in.name())) continue;
    const std::string who = "input '" + in.name() + "' of '" + label + "'";
    if (!in.type().has_tensor_type()) throw Error(who + " is not a tensor; give the model's inputs with --input");
    InputSpec spec;
    spec.name = in.name();
    spec.dtype = static_cast<DType>(in.type().tensor_type().elem_type());
    if (dtype_size(spec.dtype) == 0)
      throw Error(who + " has element type " + std::to_string(in.type().tensor_type().elem_type()) +
                  ", which example inputs cannot be made of; give them with --input");
    for (const auto& d : in.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value())
        throw Error(who + " has a dynamic dimension '" + d.dim_param() +
                    "'; give example inputs with --input NAME:DTYPE:DIMS");
      spec.dims.push_back(d.dim_value());
    }
    specs.push_back(spec);
  }
  return specs;
}

namespace {

// The module tree and the nodes' modules: from the TorchScript model and the node scopes,
// or, without a model, from the metadata torch 2.x's exporter writes.
Trace place_nodes(const ForeignTagOptions& o, ConvertedModel& model, ForeignTagReport& r, PhaseTimer& timer) {
  if (o.model_path.empty()) {
    if (!has_torch_module_metadata(model.model.graph()))
      throw Error("'" + o.onnx_path + "' carries no module metadata (" + kNameScopesKey +
                  ", written by torch 2.x's ONNX exporter); give the same model as TorchScript with --model MODEL.pt");
    return place_by_metadata(model, r, o.onnx_path);
  }
  Trace real = trace_for_tagging(o, model.model);
  for (const auto& v : real.values)  // parameters the exporter kept by name (not folded)
    if (!v.param_name.empty()) model.initializer_owner.emplace(v.param_name, v.owner_module);
  timer.done("trace");
  Trace trace = place_by_scope(real, model, r);
  if (model.model.graph().node_size() > 0 && r.by_scope + r.by_repeated_call == 0)
    r.warnings.push_back("no node name in '" + o.onnx_path + "' names a module of '" + o.model_path +
                         "': every node was placed through the graph. Was the file written by torch.onnx.export "
                         "(PyTorch 1.13 or later) from this model as an nn.Module?");
  return trace;
}

}  // namespace

ForeignTagReport tag_foreign_model(const ForeignTagOptions& o) {
  ForeignTagReport r;
  PhaseTimer timer(r.seconds);
  std::vector<std::string> inputs{o.onnx_path};
  if (!o.model_path.empty()) inputs.push_back(o.model_path);
  if (!o.input_file.empty()) inputs.push_back(o.input_file);
  ConvertedModel model;
  model.model = read_onnx_file(o.onnx_path);
  for (auto& f : external_data_files(model.model, o.onnx_path)) inputs.push_back(std::move(f));  // never replaced
  check_writable(o.output_path, inputs);
  r.sidecar_path = sidecar_path_for(o.output_path);
  check_writable(r.sidecar_path, inputs);
  check_writable(data_file_path(o.output_path), inputs);
  attach_external_data(model, o.onnx_path);  // torch.onnx.export's per-tensor files, mapped
  const auto found = discover_plugins(o.plugin_dirs);  // read once, as in export
  const LoadedPlugin& plugin = load_strategy(o.strategy, found, o.plugin_dirs, o.strategy_timeout);
  r.strategy = plugin.manifest.name;
  PluginEntries entries = merge_plugin_entries(OpRegistry::builtin(), found);  // auxiliary op types
  r.warnings = entries.conflicts;
  timer.done("read");

  Trace trace = place_nodes(o, model, r, timer);
  const auto& graph = model.model.graph();
  TagResult tags = run_strategy(plugin, trace, model, o.strategy_options, entries.auxiliary, o.strategy_timeout);
  for (int n = 0; n < graph.node_size(); ++n)
    if (model.origins[n].trace_entry < 0) r.graph_decisions[decision_name(tags.node_decision[n])]++;
  apply_tags(model, trace, tags);
  timer.done("tag");

  SidecarInfo info{o.model_path, o.output_path, default_opset(model.model), r.seconds};
  std::string sidecar = sidecar_json(model, trace, tags, info);
  ExternalPlan plan = plan_external_data(model, o.external, data_file_name(o.output_path));
  std::vector<OutputFile> files = model_files(model, o.output_path, plan);
  files.push_back({r.sidecar_path, [&](std::ostream& out) { out << sidecar; }});
  write_outputs_atomically(files);
  if (!plan.empty()) r.data_path = data_file_path(o.output_path);
  timer.done("write");

  r.nodes = graph.node_size();
  r.modules = static_cast<int>(trace.modules.size());
  r.decisions = decision_counts(tags);
  auto counts = count_tags(tags);
  r.tagged = counts.tagged;
  r.distinct_tags = counts.distinct_tags;
  return r;
}

}  // namespace mx
