// Node metadata and the sidecar JSON (protobuf's JSON printer over sidecar.proto).
#include "tags/tag_output.h"

#include <set>


#include <filesystem>
#include <set>

#include "base/error.h"
#include "onnx_io/node_metadata.h"
#include "base/proto_json.h"
#include "tags/sidecar.pb.h"

namespace mx {

void apply_tags(ConvertedModel& model, const Trace& trace, const TagResult& tags) {
  auto& nodes = *model.model.mutable_graph()->mutable_node();
  for (int n = 0; n < nodes.size(); ++n) {
    int64_t m = tags.node_module[n];
    const std::string& tag = *tags.module_tags[m];
    // Ours are replaced; the rest stays (torch 2.x's module stack, a user's own keys).
    remove_node_metadata(nodes[n], {kTagKey, kModuleKey, kDecisionKey, kNamespaceKey});
    add_node_metadata(nodes[n], kTagKey, tag);
    add_node_metadata(nodes[n], kModuleKey, trace.modules[m].path);
    add_node_metadata(nodes[n], kDecisionKey, decision_name(tags.node_decision[n]));
    add_node_metadata(nodes[n], kNamespaceKey, namespace_for_tag(tag));
  }
}

TagCounts count_tags(const TagResult& tags) {
  TagCounts c;
  std::set<std::string> distinct;
  for (auto m : tags.node_module)
    if (m >= 0) c.tagged++, distinct.insert(*tags.module_tags[m]);
  c.distinct_tags = static_cast<int>(distinct.size());
  return c;
}

std::string namespace_for_tag(const std::string& tag) { return tag.rfind('/', 0) == 0 ? tag.substr(1) : tag; }

std::map<std::string, int> decision_counts(const TagResult& tags) {
  std::map<std::string, int> counts;
  for (auto d : tags.node_decision) counts[decision_name(d)]++;
  return counts;
}

namespace {

// Each construct once, as it ran the first time.
void add_specialised(const Trace& trace, modelexport::sidecar::Hierarchy& h) {
  std::set<std::pair<std::string, int64_t>> seen;
  for (const auto& c : trace.control_flow) {
    if (!seen.insert({c.construct, c.module}).second) continue;
    auto* out = h.add_specialised();
    out->set_construct(c.construct);
    out->set_module(trace.modules[c.module].path);
    out->set_kind(c.loop ? "loop" : "branch");
    out->set_taken(c.taken);
  }
}

// Modules that ran aten ops in the trace (themselves or below) but tag no node.
void add_folded_away(modelexport::sidecar::Hierarchy& h, const Trace& trace, const std::vector<int>& total_nodes) {
  std::vector<int> ops(trace.modules.size(), 0);
  for (const auto& e : trace.entries) {
    if (e.op.rfind("aten::", 0) != 0) continue;
    std::set<int64_t> counted;  // a module called inside itself counts once per op
    for (auto m : e.module_stack)
      if (counted.insert(m).second) ops[m]++;
  }
  for (size_t i = 0; i < trace.modules.size(); ++i) {
    if (ops[i] == 0 || total_nodes[i] > 0) continue;
    auto* out = h.add_folded_away();
    out->set_module(trace.modules[i].path);
    out->set_class_name(trace.modules[i].class_name);
    out->set_ops(ops[i]);
  }
}

}  // namespace

std::string sidecar_json(const ConvertedModel& model, const Trace& trace, const TagResult& tags,
                         const SidecarInfo& info) {
  modelexport::sidecar::Hierarchy h;
  h.set_schema_version(kSidecarSchemaVersion);
  h.set_model(info.model_path);
  h.set_onnx(info.onnx_path);
  h.set_strategy(tags.strategy);
  h.set_strategy_version(tags.strategy_version);
  const auto& graph = model.model.graph();
  auto* s = h.mutable_summary();
  s->set_nodes(graph.node_size());
  int tagged = 0;
  for (auto m : tags.node_module) tagged += m >= 0;
  s->set_tagged(tagged);
  s->set_modules(static_cast<int>(trace.modules.size()));
  s->set_opset(info.opset);
  s->set_control_flow(trace.control_flow_summary());
  add_specialised(trace, h);
  for (const auto& d : trace.dropped_outputs) h.add_dropped_outputs(d);
  for (const auto& a : trace.constant_args) {
    auto* out = h.add_arguments();
    out->set_name(a.name);
    out->set_type(a.type);
    out->set_value(a.value);
    out->set_defaulted(a.defaulted);
  }
  for (const auto& [k, v] : decision_counts(tags)) (*s->mutable_decisions())[k] = v;
  for (const auto& [k, v] : info.seconds) (*s->mutable_seconds())[k] = v;

  std::vector<int> direct(trace.modules.size(), 0), total(trace.modules.size(), 0);
  for (auto m : tags.node_module) {
    if (m < 0) continue;
    direct[m]++;
    for (int64_t a = m; a >= 0; a = trace.modules[a].parent) total[a]++;
  }
  for (size_t i = 0; i < trace.modules.size(); ++i) {
    const auto& m = trace.modules[i];
    auto* out = h.add_modules();
    out->set_path(m.path);
    out->set_class_name(m.class_name);
    out->set_qualified_class(m.qualified_class);
    out->set_tag(tags.module_tags[i].value_or(""));
    out->set_parent(static_cast<int>(m.parent));
    out->set_calls(static_cast<int>(m.calls));
    out->set_direct_nodes(direct[i]);
    out->set_total_nodes(total[i]);
    for (const auto& p : m.other_paths) out->add_other_paths(p);
  }
  for (int n = 0; n < graph.node_size(); ++n) {
    auto* out = h.add_nodes();
    int64_t m = tags.node_module[n];
    out->set_name(graph.node(n).name());
    out->set_op_type(graph.node(n).op_type());
    out->set_tag(m >= 0 ? tags.module_tags[m].value_or("") : "");
    out->set_module(m >= 0 ? trace.modules[m].path : "");
    out->set_decision(decision_name(tags.node_decision[n]));
  }
  add_folded_away(h, trace, total);
  for (const auto& f : model.folded) {
    auto* out = h.add_folded();
    out->set_node(f.node);
    out->set_module(f.trace_entry >= 0 ? trace.modules[trace.entries[f.trace_entry].module()].path : "");
    out->set_into(f.into);
  }
  return message_json(h);
}

std::string sidecar_path_for(const std::string& onnx_path) {
  std::filesystem::path p(onnx_path);
  return (p.parent_path() / (p.stem().string() + "_hierarchy.json")).string();
}

}  // namespace mx
