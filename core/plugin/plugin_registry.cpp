// Merging plugin manifests' operator rows and auxiliary op types into core's registry.
#include "plugin/plugin_registry.h"

#include "tags/decisions.h"

#include <modelexport/plugin.h>

#include <set>

namespace mx {
namespace {

std::string where(const PluginManifest& m, int line) {
  return "plugin manifest '" + m.manifest_path + "' (line " + std::to_string(line) + ")";
}

}  // namespace

PluginEntries merge_plugin_entries(OpRegistry core, const std::vector<PluginManifest>& manifests) {
  PluginEntries out;
  out.registry = std::move(core);
  std::map<std::string, std::string> added_by;  // aten op -> manifest that added it
  for (const auto& m : manifests) {
    if (!m.error.empty()) continue;
    auto& lines = out.contributed[m.manifest_path];
    std::set<std::string> own;
    for (const auto& row : m.operators) {
      auto other = added_by.find(row.aten);
      if (other != added_by.end() && other->second != m.manifest_path) {
        out.conflicts.push_back(where(m, row.line) + ": operator " + row.aten + " was already added by '" +
                                other->second + "'; this row is ignored");
        continue;
      }
      auto existing = out.registry.all(row.aten);
      if (!existing.empty() && other == added_by.end()) {
        out.conflicts.push_back(where(m, row.line) + ": operator " + row.aten + " is already converted by core (" +
                                existing.front()->source + "); this row is ignored");
        continue;
      }
      out.registry.add_row(row.aten, row.onnx, row.since, m.manifest_path);
      added_by[row.aten] = m.manifest_path;
      lines.push_back("operator " + row.aten + " -> " + row.onnx + " (since opset " + std::to_string(row.since) + ")");
    }
    for (const auto& aux : m.auxiliary) {
      auto [it, fresh] = out.auxiliary.emplace(aux.op_type, AuxiliaryRule{aux.inherit, m.manifest_path});
      if (!fresh && it->second.inherit != aux.inherit) {
        out.conflicts.push_back(where(m, aux.line) + ": auxiliary op " + aux.op_type + " inherits from its " +
                                decision_name(aux.inherit) + "s here but from its " + decision_name(it->second.inherit) + "s in '" +
                                it->second.source + "'; the latter holds");
        continue;
      }
      lines.push_back(std::string("auxiliary ") + aux.op_type + " inherits from its " + decision_name(aux.inherit) + "s");
    }
  }
  return out;
}

PluginEntries plugin_entries(const std::vector<std::string>& dirs) {
  return merge_plugin_entries(OpRegistry::builtin(), discover_plugins(dirs));
}

}  // namespace mx
