// tags_report.proto messages filled from the core results, printed by protobuf's JSON
// printer (which also does the escaping).
#include "report/tags_json.h"

#include <google/protobuf/util/json_util.h>

#include "base/error.h"
#include "base/utf8.h"
#include "report/tags_report.pb.h"

namespace mx {
namespace {

namespace pb = modelexport::tags;

void fill_row(const TaggedModel& t, int m, bool with_nodes, pb::ModuleRow* row) {
  fill_module_fields(t, m, row);
  row->set_hidden(t.modules[m].hidden(t.modules));
  if (!with_nodes) return;
  for (int n : t.nodes_of(m)) {
    const auto& node = t.nodes[n];
    auto* out = row->add_nodes();
    out->set_name(node.name);
    out->set_op_type(node.op_type);
    out->set_tag(node.tag);
    out->set_module(node.module);
    out->set_decision(node.decision);
  }
}

template <typename Map>
void copy_counts(const std::map<std::string, int>& from, Map* to) {
  for (const auto& [k, v] : from) (*to)[k] = v;
}

}  // namespace

int module_depth(const TaggedModel& t, int m) {
  int depth = 0;
  for (int a = t.modules[m].parent; a >= 0; a = t.modules[a].parent) ++depth;
  return depth;
}

std::string tree_json(const TaggedModel& t) {
  pb::Tree tree;
  tree.set_onnx(t.onnx_path);
  tree.set_sidecar(t.modules_from_sidecar ? t.sidecar_path : "");
  tree.set_nodes(static_cast<int>(t.nodes.size()));
  int tagged = 0;
  for (const auto& n : t.nodes) tagged += n.has_tag;
  tree.set_tagged(tagged);
  if (!t.modules.empty())
    for (int m : t.subtree(0)) fill_row(t, m, false, tree.add_modules());
  return message_json(tree);
}

std::string stats_json(const TaggedModel& t, const TagStats& s) {
  pb::Stats out;
  out.set_onnx(t.onnx_path);
  out.set_strategy(s.strategy);
  out.set_nodes(s.nodes);
  out.set_tagged(s.tagged);
  out.set_distinct_tags(s.distinct_tags);
  out.set_modules(s.modules);
  out.set_modules_with_nodes(s.modules_with_nodes);
  out.set_max_depth(s.max_depth);
  copy_counts(s.decisions, out.mutable_decisions());
  copy_counts(s.op_types, out.mutable_op_types());
  for (const auto& [m, n] : s.largest) fill_row(t, m, false, out.add_largest());
  return message_json(out);
}

std::string query_json(const TaggedModel& t, const std::string& pattern, const std::vector<int>& matches,
                       bool with_nodes) {
  pb::Query q;
  q.set_onnx(t.onnx_path);
  q.set_pattern(pattern);
  for (int m : matches) fill_row(t, m, with_nodes, q.add_matches());
  return message_json(q);
}

std::string validation_json(const TaggedModel& t, const ValidationReport& r) {
  pb::Validation v;
  v.set_onnx(t.onnx_path);
  v.set_sidecar(r.has_sidecar ? t.sidecar_path : "");
  v.set_valid(r.ok());
  v.set_nodes(r.nodes);
  v.set_tagged(r.tagged);
  v.set_modules(r.modules);
  for (const auto& p : r.problems) v.add_problems(printable_utf8(p));  // they quote the file, bytes and all
  return message_json(v);
}

std::string extraction_json(const TaggedModel& t, const ExtractReport& r) {
  pb::Extraction x;
  x.set_onnx(t.onnx_path);
  for (const auto& e : r.written) {
    auto* out = x.add_written();
    out->set_module(t.modules[e.module].path);
    out->set_class_name(t.modules[e.module].class_name);
    out->set_tag(t.modules[e.module].tag);
    out->set_onnx(e.onnx_path);
    out->set_sidecar(e.sidecar_path);
    out->set_data(e.data_path);
    out->set_nodes(e.nodes);
    out->set_initializers(e.initializers);
    out->set_regions(e.regions);
    for (const auto& i : e.inputs) out->add_inputs(i);
    for (const auto& o : e.outputs) out->add_outputs(o);
    copy_counts(e.op_types, out->mutable_op_types());
  }
  for (int m : r.skipped) x.add_skipped(t.modules[m].path);
  return message_json(x);
}

std::string foreign_tagging_json(const ForeignTagOptions& o, const ForeignTagReport& r) {
  pb::ForeignTagging f;
  f.set_onnx(o.onnx_path);
  f.set_model(o.model_path);
  f.set_output(o.output_path);
  f.set_sidecar(r.sidecar_path);
  f.set_data(r.data_path);
  f.set_strategy(r.strategy);
  f.set_nodes(r.nodes);
  f.set_tagged(r.tagged);
  f.set_modules(r.modules);
  f.set_distinct_tags(r.distinct_tags);
  if (o.model_path.empty()) {
    (*f.mutable_rules())["metadata"] = r.by_metadata;
  } else {
    (*f.mutable_rules())["scope"] = r.by_scope;
    (*f.mutable_rules())["repeated_call"] = r.by_repeated_call;
    (*f.mutable_rules())["root_scope"] = r.by_root_scope;
  }
  (*f.mutable_rules())["graph"] = r.by_graph;
  copy_counts(r.graph_decisions, f.mutable_graph_decisions());
  for (const auto& s : r.unknown_scopes) f.add_unknown_scopes(s);
  copy_counts(r.decisions, f.mutable_decisions());
  for (const auto& [k, v] : r.seconds) (*f.mutable_seconds())[k] = v;
  return message_json(f);
}

}  // namespace mx
