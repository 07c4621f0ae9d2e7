// Finding strategy plugins by their YAML manifests, loading them with Boost.DLL, and
// running them over a converted model.
#pragma once

#include <modelexport/plugin.h>

#include <string>
#include <utility>
#include <vector>

#include "graph_view.h"
#include "onnx_graph.h"
#include "trace.h"

namespace mx {

using Options = std::vector<std::pair<std::string, std::string>>;

struct PluginManifest {
  std::string manifest_path;  // absolute
  std::string library_path;   // absolute
  std::string name, version, abi, description;
  Options settings;   // passed to the plugin before --strategy-opt
  std::string error;  // non-empty: this manifest is broken, and why
};

struct LoadedPlugin {
  PluginManifest manifest;
  const mx_plugin_t* plugin = nullptr;
};

// --plugin-dir flags, then MODELEXPORT_PLUGIN_PATH (':'-separated), then the installed folder.
std::vector<std::string> plugin_search_path(const std::vector<std::string>& flag_dirs);

// Reads the manifests in each folder and its direct subfolders (nothing is loaded).
// Broken manifests come back with `error` set; the first plugin of a name wins.
std::vector<PluginManifest> discover_plugins(const std::vector<std::string>& dirs);

// Loads the plugin named `strategy` (once per process; never unloaded). Throws mx::Error
// naming the strategy and the folders searched, or the file and why it cannot be used.
const LoadedPlugin& load_strategy(const std::string& strategy, const std::vector<std::string>& dirs);

// Runs the plugin's tag builder and tagger. Throws mx::Error naming the plugin if it
// fails or leaves a module or node untagged.
TagResult run_strategy(const LoadedPlugin& plugin, const Trace& trace, const ConvertedModel& model,
                       const Options& options);

}  // namespace mx
