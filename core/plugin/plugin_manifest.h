// Plugin discovery: the search path and the YAML manifest beside each plugin library.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mx {

using Options = std::vector<std::pair<std::string, std::string>>;

// `operators:` row: a one-to-one aten -> ONNX mapping the plugin adds to core's registry.
struct OperatorRow {
  std::string aten, onnx;
  int since = 1;
  int line = 0;  // in the manifest, for messages
};

// `auxiliary:` entry: an ONNX op type no module op produces directly, and the side its
// nodes inherit a tag from first (MX_DECISION_CONSUMER or MX_DECISION_PRODUCER).
struct AuxiliaryOp {
  std::string op_type;
  int32_t inherit = 0;
  int line = 0;
};

struct PluginManifest {
  std::string manifest_path;  // absolute; for a library without manifest, the expected path
  std::string library_path;   // absolute
  std::string name, version, abi, description;
  Options settings;  // passed to the plugin before --strategy-opt
  std::vector<OperatorRow> operators;
  std::vector<AuxiliaryOp> auxiliary;
  std::string error;  // non-empty: this plugin is broken, and why (names the file)
};

// --plugin-dir flags, then MODELEXPORT_PLUGIN_PATH (':'-separated), then the installed folder.
std::vector<std::string> plugin_search_path(const std::vector<std::string>& flag_dirs);

// Reads the manifests in each folder and its direct subfolders (nothing is loaded).
// Broken manifests, and libraries (*.so) that no manifest names, come back with `error`
// set; the first good plugin of a name wins.
std::vector<PluginManifest> discover_plugins(const std::vector<std::string>& dirs);

// One manifest file; never throws (a broken one has `error` set).
PluginManifest read_manifest(const std::string& path);

}  // namespace mx
