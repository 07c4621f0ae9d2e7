// Coverage of a reference op registry by ours (see op_coverage.h).
#include "report/op_coverage.h"

#include <sstream>

#include "convert/ops/interpreted.h"
#include "convert/ops/refused.h"

namespace mx {
namespace {

// The reference's spelling of dunder ops drops the last underscore ("aten::__and_").
std::string our_name(const std::string& op) {
  if (op.rfind("aten::__", 0) == 0 && op.size() > 9 && op.back() == '_' && op[op.size() - 2] != '_') return op + "_";
  return op;
}

const char* note_of(const std::vector<OpNote>& notes, const std::string& op) {
  for (const auto& n : notes)
    if (op == n.aten) return n.reason;
  return nullptr;
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
    } else if (const char* why = note_of(refused_without_entry(), our_name(op))) {
      row.status = "refused";
      row.detail = why;
    } else if (const char* how = note_of(interpreted_ops(), our_name(op))) {
      row.status = "interpreted";
      row.detail = how;
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
