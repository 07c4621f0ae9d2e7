// Loading strategy plugins found through their manifests (Boost.DLL), and running them over
// a converted model.
#pragma once

#include <modelexport/plugin.h>

#include <functional>
#include <string>
#include <vector>

#include "plugin/graph_view.h"
#include "convert/onnx_graph.h"
#include "plugin/plugin_manifest.h"
#include "plugin/plugin_registry.h"
#include "model/trace.h"

namespace mx {

struct LoadedPlugin {
  PluginManifest manifest;
  const mx_plugin_t* plugin = nullptr;
};

// How long a strategy may take to load or to tag a model before it is stopped
// (--strategy-timeout).
constexpr double kDefaultStrategyTimeout = 600;

// Loads the plugin named `strategy` (once per process; never unloaded), after loading it in
// a child process first (ELF header checked, constructors and entry point run, ABI checked,
// within `timeout_seconds`): a plugin that crashes, hangs or exits there is reported and
// never loaded here. Throws mx::Error naming the strategy and the folders searched, or the
// file and why it cannot be used. `meanwhile` (if given) runs here while that child works,
// if there is one (see run_in_child).
const LoadedPlugin& load_strategy(const std::string& strategy, const std::vector<std::string>& dirs,
                                  double timeout_seconds = kDefaultStrategyTimeout,
                                  const std::function<void()>& meanwhile = {});

// The same among `found`, the manifests of `dirs` read once by the caller (discover_plugins),
// so that the strategy and the operator rows the caller merges from them come from one
// reading of the folders; `dirs` only names the folders in the error.
const LoadedPlugin& load_strategy(const std::string& strategy, const std::vector<PluginManifest>& found,
                                  const std::vector<std::string>& dirs, double timeout_seconds,
                                  const std::function<void()>& meanwhile = {});

// Runs the plugin's tag builder and tagger in a child process, so that a crashing or hanging
// plugin cannot take the host down. Options: the manifest's settings, overridden by
// `options`. Throws mx::Error naming the plugin's file if it fails, throws, crashes, runs
// longer than `timeout_seconds` (<= 0: no limit), or leaves a module or node untagged.
TagResult run_strategy(const LoadedPlugin& plugin, const Trace& trace, const ConvertedModel& model,
                       const Options& options, const AuxiliaryTable& auxiliary = {},
                       double timeout_seconds = kDefaultStrategyTimeout);

}  // namespace mx
