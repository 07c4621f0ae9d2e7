// profile_report.proto filled from a ProfileFold, printed by protobuf's JSON printer.
#include "report/profile_json.h"

#include "report/profile_report.pb.h"
#include "base/proto_json.h"
#include "report/tags_json.h"

namespace mx {

std::string profile_json(const TaggedModel& t, const ProfileFold& f) {
  modelexport::profile::Profile out;
  out.set_onnx(t.onnx_path);
  out.set_profile(f.profile_path);
  out.set_ort_graph(f.ort_graph_path);
  out.set_runs(f.runs);
  out.set_events(f.events);
  out.set_node_us(f.node_us);
  out.set_unattributed_us(f.unattributed_us);
  out.set_unattributed_events(f.unattributed_events);
  for (const auto& [k, v] : f.rules) (*out.mutable_rules())[k] = v;
  out.set_names(f.names);
  out.set_names_matched(f.names_matched);
  for (int m : t.subtree(0)) {
    const auto& time = f.modules[m];
    auto* row = out.add_modules();
    fill_module_fields(t, m, row);
    row->set_self_us(time.self_us);
    row->set_total_us(time.total_us);
    row->set_share(f.node_us > 0 ? time.total_us / f.node_us : 0);
    row->set_calls(time.calls);
    row->set_events(time.events);
    for (const auto& [k, v] : time.op_us) (*row->mutable_op_us())[k] = v;
  }
  for (const auto& [k, v] : f.seconds) (*out.mutable_seconds())[k] = v;
  for (const auto& u : f.unattributed) {
    auto* row = out.add_unattributed();
    row->set_node(u.node);
    row->set_op_type(u.op_type);
    row->set_us(u.us);
    row->set_events(u.events);
    row->set_reason(u.reason);
  }
  return message_json(out);
}

}  // namespace mx
