// `modelexport ops [--json]`: the registry's entries, the refused and the interpreted ops,
// as report/ops.proto's OpsList or as text.
#include "report/ops_json.h"

#include <set>
#include <sstream>

#include "base/proto_json.h"
#include "convert/ops/interpreted.h"
#include "convert/ops/refused.h"
#include "report/ops.pb.h"

namespace mx {
namespace {

modelexport::ops::OpsList ops_list(const OpRegistry& registry) {
  modelexport::ops::OpsList list;
  std::set<std::string> distinct;
  std::set<std::string> refused;
  for (const auto* e : registry.every_entry()) {
    auto* row = list.add_ops();
    row->set_aten(e->aten);
    row->set_since_opset(e->since_opset);
    row->set_source(e->source);
    row->set_onnx(e->onnx_op);
    distinct.insert(e->aten);
    // An op is refused when its newest entry refuses it (as `find` would pick it).
    const char* why = refusal_reason(e->emit);
    if (why) row->set_refused(why);
    if (why && registry.all(e->aten).back() == e && refused.insert(e->aten).second) {
      auto* note = list.add_refused();
      note->set_aten(e->aten);
      note->set_reason(why);
      note->set_has_entry(true);
    }
  }
  for (const auto& n : refused_without_entry()) {
    auto* note = list.add_refused();
    note->set_aten(n.aten);
    note->set_reason(n.reason);
  }
  for (const auto& n : interpreted_ops()) {
    auto* note = list.add_interpreted();
    note->set_aten(n.aten);
    note->set_reason(n.reason);
  }
  list.set_count(static_cast<int32_t>(distinct.size()));
  return list;
}

}  // namespace

std::string ops_json(const OpRegistry& registry) { return message_json(ops_list(registry)); }

std::string ops_text(const OpRegistry& registry) {
  auto list = ops_list(registry);
  std::ostringstream out;
  for (const auto& r : list.ops()) {
    out << r.aten() << "  opset " << r.since_opset() << "+  " << r.source();
    if (!r.onnx().empty()) out << " (-> " << r.onnx() << ")";
    if (!r.refused().empty()) out << "  refused: " << r.refused();
    out << "\n";
  }
  int with_entry = 0;
  out << "refused on purpose without a converter entry (no graph of torch 1.13 holds them):\n";
  for (const auto& n : list.refused()) {
    if (n.has_entry()) {
      ++with_entry;
      continue;
    }
    out << n.aten() << "  refused: " << n.reason() << "\n";
  }
  out << "evaluated by the tracer on known values, never converted:\n";
  for (const auto& n : list.interpreted()) out << n.aten() << "  interpreted: " << n.reason() << "\n";
  out << list.count() - with_entry + list.refused_size() + list.interpreted_size() << " aten operators: "
      << list.count() - with_entry << " converted, " << list.refused_size() << " refused on purpose, "
      << list.interpreted_size() << " interpreted by the tracer\n";
  return out.str();
}

}  // namespace mx
