// Module extraction: picks the nodes of a module's subtree from the node metadata, cuts them
// out (subgraph.h), and writes each model with a sidecar restricted to that subtree.
#include "tags/extract.h"

#include <deque>
#include <filesystem>

#include "base/atomic_write.h"
#include "base/close_matches.h"
#include "base/error.h"
#include "report/tags_json.h"
#include "onnx_io/external_data.h"
#include "onnx_io/external_source.h"
#include "tags/sidecar.pb.h"
#include "tags/tag_output.h"

namespace mx {
namespace {

// The source sidecar cut down to module `m`'s subtree (index 0 = m) and the extracted nodes.
std::string extracted_sidecar(const TaggedModel& t, int m, const std::vector<int>& nodes,
                              const std::string& onnx_path) {
  const auto& src = *t.sidecar;
  modelexport::sidecar::Hierarchy h;
  h.set_schema_version(kSidecarSchemaVersion);
  h.set_model(src.model());
  h.set_onnx(onnx_path);
  h.set_strategy(src.strategy());
  h.set_strategy_version(src.strategy_version());
  std::vector<int> subtree = t.subtree(m);
  std::map<int, int> new_index;
  for (size_t i = 0; i < subtree.size(); ++i) new_index[subtree[i]] = static_cast<int>(i);
  for (int old : subtree) {
    auto* mod = h.add_modules();
    // The tree comes from the sidecar's modules only when it lists any; else it was rebuilt
    // from the tags, and the sidecar has no module `old` (the onnx_sidecar fuzzer found that).
    if (t.modules_from_sidecar && old < src.modules_size()) {
      *mod = src.modules(old);
    } else {
      mod->set_path(t.modules[old].path);
      mod->set_class_name(t.modules[old].class_name);
      mod->set_tag(t.modules[old].tag);
      mod->set_calls(t.modules[old].calls);
    }
    mod->set_parent(old == m ? -1 : new_index.at(t.modules[old].parent));
    mod->set_direct_nodes(t.modules[old].direct_nodes);
    mod->set_total_nodes(t.modules[old].total_nodes);
  }
  std::map<std::string, int> decisions;
  for (int n : nodes) {
    const auto& tn = t.nodes[n];
    auto* out = h.add_nodes();
    out->set_name(tn.name);
    out->set_op_type(tn.op_type);
    out->set_tag(tn.tag);
    out->set_module(tn.module);
    out->set_decision(tn.decision);
    decisions[tn.decision]++;
  }
  auto* sum = h.mutable_summary();
  sum->set_nodes(static_cast<int>(nodes.size()));
  sum->set_tagged(static_cast<int>(nodes.size()));
  sum->set_modules(static_cast<int>(subtree.size()));
  sum->set_opset(src.summary().opset());
  for (const auto& [k, v] : decisions) (*sum->mutable_decisions())[k] = v;
  return message_json(h);
}

void add_model_metadata(onnx::ModelProto& model, const std::string& key, const std::string& value) {
  auto* p = model.add_metadata_props();
  p->set_key(key);
  p->set_value(value);
}

std::vector<std::string> all_paths(const TaggedModel& t) {
  std::vector<std::string> out;
  for (const auto& m : t.modules) out.push_back(m.path);
  return out;
}

}  // namespace

int resolve_module(const TaggedModel& t, const ExtractRequest& r) {
  if (r.has_module_path) {
    int m = t.find_path(r.module_path);
    if (m < 0)
      throw Error("no module '" + r.module_path + "' in '" + t.onnx_path + "'" +
                  close_matches_hint(r.module_path, all_paths(t)) + " (list them with `modelexport tags " +
                  t.onnx_path + " tree`)");
    return m;
  }
  int m = t.find_tag(r.tag);
  if (m < 0) {
    std::vector<std::string> tags;
    for (const auto& mod : t.modules) tags.push_back(mod.tag);
    throw Error("no module has tag '" + r.tag + "' in '" + t.onnx_path + "'" + close_matches_hint(r.tag, tags));
  }
  return m;
}

ExtractReport extract_modules(const TaggedModel& t, const ExtractRequest& r) {
  require_tags(t);
  std::vector<int> targets;
  ExtractReport report;
  if (!r.all_of.empty()) {
    std::vector<std::string> classes;
    for (size_t m = 0; m < t.modules.size(); ++m) {
      classes.push_back(t.modules[m].class_name);
      if (t.modules[m].class_name != r.all_of) continue;
      (t.modules[m].total_nodes > 0 ? targets : report.skipped).push_back(static_cast<int>(m));
    }
    if (targets.empty() && report.skipped.empty())
      throw Error("no module of class '" + r.all_of + "' in '" + t.onnx_path + "'" +
                  close_matches_hint(r.all_of, classes));
    if (targets.empty())
      throw Error("the " + std::to_string(report.skipped.size()) + " module(s) of class '" + r.all_of + "' in '" +
                  t.onnx_path + "' have no nodes (nothing to extract)");
  } else {
    int m = resolve_module(t, r);
    if (t.modules[m].total_nodes == 0)
      throw Error("module '" + t.label(m) + "' (" + t.modules[m].class_name + ") has no nodes in '" + t.onnx_path +
                  "' (nothing to extract; it computes nothing, or its ops were folded away)");
    targets.push_back(m);
  }

  // Fail on unwritable outputs before the slow part.
  std::vector<std::string> inputs{t.onnx_path, t.sidecar_path};
  for (auto& f : external_data_files(t.model, t.onnx_path)) inputs.push_back(std::move(f));  // never replaced or removed
  if (r.all_of.empty()) {
    check_writable(r.output, inputs);
  } else if (std::error_code ec;
             std::filesystem::exists(r.output, ec) && !std::filesystem::is_directory(r.output, ec)) {
    throw Error("cannot write into '" + r.output + "': it is a file, not a folder");
  }
  std::vector<OutputFile> files;
  std::deque<ConvertedModel> models;  // what the writers in `files` read: stable addresses
  std::deque<ExternalPlan> plans;
  std::deque<std::string> sidecars;
  SubgraphExtractor extractor(t.model);
  for (int m : targets) {
    ExtractedModule e;
    e.module = m;
    const std::string stem = t.modules[m].path.empty() ? "root" : t.modules[m].path;
    e.onnx_path = r.all_of.empty() ? r.output : (std::filesystem::path(r.output) / (stem + ".onnx")).string();
    std::vector<int> nodes = t.nodes_of(m);
    Subgraph s = extractor.extract(nodes, "module '" + t.label(m) + "'");
    add_model_metadata(s.model, "modelexport.extracted_from", t.onnx_path);
    add_model_metadata(s.model, "modelexport.extracted_module", t.modules[m].path);
    add_model_metadata(s.model, "modelexport.extracted_tag", t.modules[m].tag);
    e.inputs = s.inputs;
    e.outputs = s.outputs;
    e.nodes = s.nodes;
    e.initializers = s.initializers;
    e.regions = s.regions;
    for (const auto& node : s.model.graph().node()) e.op_types[node.op_type()]++;
    ConvertedModel& cm = models.emplace_back();
    cm.model = std::move(s.model);
    attach_external_data(cm, t.onnx_path);  // the source's data file, mapped, not read
    const ExternalPlan& plan = plans.emplace_back(plan_external_data(cm, r.external, data_file_name(e.onnx_path)));
    if (!plan.empty()) e.data_path = data_file_path(e.onnx_path);
    for (auto& f : model_files(cm, e.onnx_path, plan)) files.push_back(std::move(f));
    if (t.sidecar) {
      e.sidecar_path = sidecar_path_for(e.onnx_path);
      const std::string& json = sidecars.emplace_back(extracted_sidecar(t, m, nodes, e.onnx_path));
      files.push_back({e.sidecar_path, [&json](std::ostream& out) { out << json; }});
    }
    report.written.push_back(std::move(e));
  }
  // A folder made for --all-of goes again if writing fails: no partial output.
  bool made_folder = false;
  if (!r.all_of.empty()) {
    std::error_code ec;
    made_folder = std::filesystem::create_directories(r.output, ec);
    if (ec) throw Error("cannot create folder '" + r.output + "': " + ec.message());
  }
  try {
    for (const auto& f : files) check_writable(f.path, inputs);
    write_outputs_atomically(files);
  } catch (...) {
    std::error_code ec;
    if (made_folder) std::filesystem::remove(r.output, ec);
    throw;
  }
  return report;
}

}  // namespace mx
