// Coverage of a reference op registry by ours (see op_coverage.h).
#include "report/op_coverage.h"

#include <map>
#include <sstream>

#include "convert/ops/refused.h"

namespace mx {
namespace {

// Ops on lists, numbers and module state that the tracer runs on the values it knows: their
// results are constants (sizes, list items, flags), so no converter is asked for them.
const std::map<std::string, const char*>& interpreted_ops() {
  static const std::map<std::string, const char*> ops = [] {
    std::map<std::string, const char*> m;
    const char* lists = "list and scalar op: run by the tracer on known values";
    for (const char* op : {"aten::Delete", "aten::__derive_index", "aten::__getitem_", "aten::__is_", "aten::__isnot_",
                           "aten::__not_", "aten::__range_length", "aten::_set_item", "aten::append", "aten::insert",
                           "aten::len", "aten::list", "aten::pop", "aten::dim", "aten::numel", "aten::is_floating_point",
                           "aten::is_pinned", "aten::_dim_arange", "aten::_shape_as_tensor", "aten::lift", "aten::alias",
                           "aten::as_tensor", "aten::tensor", "aten::scalar_tensor"})
      m[op] = lists;
    return m;
  }();
  return ops;
}

// The reference's spelling of dunder ops drops the last underscore ("aten::__and_").
std::string our_name(const std::string& op) {
  if (op.rfind("aten::__", 0) == 0 && op.size() > 9 && op.back() == '_' && op[op.size() - 2] != '_') return op + "_";
  return op;
}

}  // namespace

OpCoverage op_coverage(const OpRegistry& registry, const std::vector<std::string>& reference) {
  OpCoverage c;
  for (const auto& op : reference) {
    if (op.rfind("aten::", 0) != 0) continue;
    auto entries = registry.all(our_name(op));
    OpCoverage::Row row{op, "missing", ""};
    if (!entries.empty()) {
      const char* reason = refusal_reason(entries.back()->emit);
      row.status = reason ? "refused" : "converted";
      row.detail = reason ? reason : entries.back()->source;
    } else if (auto it = interpreted_ops().find(op); it != interpreted_ops().end()) {
      row.status = "interpreted";
      row.detail = it->second;
    }
    (row.status == "converted" ? c.converted : row.status == "refused" ? c.refused
     : row.status == "interpreted" ? c.interpreted : c.missing)++;
    c.rows.push_back(row);
  }
  return c;
}

std::string op_coverage_text(const OpCoverage& c) {
  std::ostringstream out;
  for (const auto& r : c.rows) out << r.op << "  " << r.status << (r.detail.empty() ? "" : "  " + r.detail) << "\n";
  out << c.rows.size() << " aten ops: " << c.converted << " converted, " << c.refused << " refused on purpose, "
      << c.interpreted << " interpreted, " << c.missing << " missing\n";
  return out.str();
}

}  // namespace mx
