// The compare report as JSON: compare.proto through protobuf's JSON printer (proto_json.h),
// which also does the escaping.
#include "pipelines/compare.h"
#include "report/compare.pb.h"
#include "base/proto_json.h"

namespace mx {

std::string compare_json(const CompareReport& r) {
  modelexport::compare::Comparison c;
  c.set_schema_version(1);
  c.set_model(r.model_path);
  c.set_nodes(r.nodes);
  c.set_modules(r.modules);
  for (const auto& [phase, s] : r.seconds) (*c.mutable_seconds())[phase] = s;
  for (const auto& s : r.strategies) {
    auto* out = c.add_strategies();
    out->set_name(s.name);
    out->set_version(s.version);
    out->set_tagged(s.tagged);
    out->set_coverage(s.nodes ? static_cast<double>(s.tagged) / s.nodes : 1.0);
    for (const auto& [d, n] : s.decisions) (*out->mutable_decisions())[d] = n;
    out->set_distinct_tags(s.distinct_tags);
    out->set_seconds(s.seconds);
  }
  for (const auto& p : r.pairs) {
    auto* out = c.add_pairs();
    out->set_a(p.a);
    out->set_b(p.b);
    out->set_same(p.same);
    out->set_agreement(p.nodes ? static_cast<double>(p.same) / p.nodes : 1.0);
    for (const auto& d : p.worst) {
      auto* dis = out->add_disagreements();
      dis->set_module(d.module);
      dis->set_tag_a(d.tag_a);
      dis->set_nodes(d.nodes);
      dis->set_module_nodes(d.module_nodes);
      dis->set_tag_b(d.tag_b);
      dis->set_tag_b_nodes(d.tag_b_nodes);
      for (const auto& e : d.examples) {
        auto* ex = dis->add_examples();
        ex->set_node(e.node);
        ex->set_op_type(e.op_type);
        ex->set_tag_a(e.tag_a);
        ex->set_tag_b(e.tag_b);
      }
    }
  }
  return message_json(c);
}

}  // namespace mx
