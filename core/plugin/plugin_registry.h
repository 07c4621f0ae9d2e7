// What plugin manifests add to core: one-to-one operator rows for ops core lacks, and
// auxiliary ONNX op types with the side they inherit tags from. Conflicts are reported.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "convert/op_registry.h"
#include "plugin/plugin_manifest.h"

namespace mx {

struct AuxiliaryRule {
  int32_t inherit = 0;  // MX_DECISION_CONSUMER or MX_DECISION_PRODUCER
  std::string source;   // the manifest that declared it
};
using AuxiliaryTable = std::map<std::string, AuxiliaryRule>;  // ONNX op type -> rule

struct PluginEntries {
  OpRegistry registry;  // core's, plus the plugins' rows
  AuxiliaryTable auxiliary;
  // Manifest path -> one line per entry it contributed, e.g. "operator aten::asinh -> Asinh (since 9)".
  std::map<std::string, std::vector<std::string>> contributed;
  // One line per conflicting entry, naming both sources; that entry was ignored.
  std::vector<std::string> conflicts;
};

// Adds the entries of every good manifest, in order, to `core`. An operator core already
// converts, or that an earlier plugin added, is a conflict; so is an auxiliary op type an
// earlier plugin declared with the other side. The first declaration wins.
PluginEntries merge_plugin_entries(OpRegistry core, const std::vector<PluginManifest>& manifests);

// core's built-in registry merged with the plugins found in `dirs`.
PluginEntries plugin_entries(const std::vector<std::string>& dirs);

}  // namespace mx
