// The operator registry and its YAML rows.
#include "convert/op_registry.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "convert/base_ops_yaml.h"
#include "base/error.h"
#include "convert/ops/ops.h"

namespace mx {

namespace {

std::vector<RegisteredOpTable>& op_tables() {
  static std::vector<RegisteredOpTable> tables;
  return tables;
}

// __FILE__ as the build spells it ("../core/convert/ops/x.cpp") from core/ on.
std::string source_from_core(const std::string& file) {
  if (file.rfind("core/", 0) == 0) return file;
  auto at = file.rfind("/core/");
  return at == std::string::npos ? file : file.substr(at + 1);
}

// "aten::relu_" -> "aten::relu"; "" for names that are not in-place variants.
std::string out_of_place(const std::string& aten) {
  if (aten.size() < 2 || aten.back() != '_' || aten[aten.size() - 2] == '_') return "";
  return aten.substr(0, aten.size() - 1);
}

}  // namespace

OpTable::OpTable(const char* file, std::initializer_list<OpRow> rows) {
  op_tables().push_back({source_from_core(file), std::vector<OpRow>(rows)});
}

const std::vector<RegisteredOpTable>& registered_op_tables() { return op_tables(); }

OpRegistry OpRegistry::builtin() {
  OpRegistry r;
  for (const auto& table : op_tables())
    for (const auto& row : table.rows) r.add(row.aten, row.since_opset, row.emit, table.source);
  r.add_rows(kBaseOpsYaml, "core/convert/ops/base_ops.yaml");
  return r;
}

void OpRegistry::add(const std::string& aten, int since_opset, Emitter emit, const std::string& source) {
  auto& list = entries_[aten];
  OpEntry e;
  e.aten = aten;
  e.since_opset = since_opset;
  e.emit = emit;
  e.source = source;
  list.push_back(e);
  std::stable_sort(list.begin(), list.end(),
                   [](const OpEntry& a, const OpEntry& b) { return a.since_opset < b.since_opset; });
}

void OpRegistry::add_rows(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error("operator rows in '" + source + "' are not valid YAML: " + e.what());
  }
  auto rows = root["operators"];
  if (!rows) return;
  if (!rows.IsSequence()) throw Error("'operators' in '" + source + "' must be a list");
  for (const auto& row : rows) {
    if (!row["aten"] || !row["onnx"])
      throw Error("an operator row in '" + source + "' lacks 'aten' or 'onnx' (line " +
                  std::to_string(row.Mark().line + 1) + ")");
    int since = row["since"] ? row["since"].as<int>() : 1;
    add_row(row["aten"].as<std::string>(), row["onnx"].as<std::string>(), since, source);
  }
}

void OpRegistry::add_row(const std::string& aten, const std::string& onnx, int since_opset, const std::string& source) {
  add(aten, since_opset, emit_row, source);
  for (auto& e : entries_[aten])
    if (e.emit == emit_row && e.onnx_op.empty()) e.onnx_op = onnx;
}

const std::vector<OpEntry>* OpRegistry::entries_of(const std::string& aten) const {
  if (auto it = entries_.find(aten); it != entries_.end()) return &it->second;
  std::string base = out_of_place(aten);
  if (base.empty()) return nullptr;
  auto it = entries_.find(base);
  return it == entries_.end() ? nullptr : &it->second;
}

const OpEntry* OpRegistry::find(const std::string& aten, int opset) const {
  const auto* list = entries_of(aten);
  if (!list) return nullptr;
  const OpEntry* best = nullptr;
  for (const auto& e : *list)
    if (e.since_opset <= opset) best = &e;
  return best;
}

std::vector<const OpEntry*> OpRegistry::all(const std::string& aten) const {
  std::vector<const OpEntry*> out;
  if (const auto* list = entries_of(aten))
    for (const auto& e : *list) out.push_back(&e);
  return out;
}

std::vector<const OpEntry*> OpRegistry::every_entry() const {
  std::vector<const OpEntry*> out;
  for (const auto& [aten, list] : entries_)
    for (const auto& e : list) out.push_back(&e);
  return out;
}

}  // namespace mx
