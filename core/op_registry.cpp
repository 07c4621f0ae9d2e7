// The operator registry and its YAML rows.
#include "op_registry.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "base_ops_yaml.h"
#include "error.h"
#include "ops/ops.h"

namespace mx {

OpRegistry OpRegistry::builtin() {
  OpRegistry r;
  register_builtin_ops(r);
  r.add_rows(kBaseOpsYaml, "core/ops/base_ops.yaml");
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

const OpEntry* OpRegistry::find(const std::string& aten, int opset) const {
  auto it = entries_.find(aten);
  if (it == entries_.end()) return nullptr;
  const OpEntry* best = nullptr;
  for (const auto& e : it->second)
    if (e.since_opset <= opset) best = &e;
  return best;
}

std::vector<const OpEntry*> OpRegistry::all(const std::string& aten) const {
  std::vector<const OpEntry*> out;
  if (auto it = entries_.find(aten); it != entries_.end())
    for (const auto& e : it->second) out.push_back(&e);
  return out;
}

}  // namespace mx
