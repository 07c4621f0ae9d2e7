// Runs a shipped strategy from the build tree over a TinyGraph, in process.
#pragma once

#include <modelexport/plugin.h>

#include <string>

#include "plugin/plugin_host.h"
#include "support/test_env.h"
#include "support/tiny_graph.h"

namespace mx::test {

inline TagResult run_plugin(const std::string& strategy, const TinyGraph& g, const Options& options = {},
                            const AuxiliaryTable& auxiliary = {}) {
  return run_strategy(load_strategy(strategy, {plugin_build_dir()}), g.trace, g.model, options, auxiliary);
}

inline std::string tag_of(const TagResult& r, int node) { return *r.module_tags[r.node_module[node]]; }

// What a strategy plugin reports for `options`: its error message, or "" if it accepts them.
inline std::string error_for(const std::string& strategy, const TinyGraph& g, const Options& options) {
  try {
    run_plugin(strategy, g, options);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace mx::test
