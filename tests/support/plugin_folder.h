// Plugin folders for tests: shipped plugins copied out of the build tree, and test plugins
// (tests/plugins/*) given a manifest of the test's choosing.
#pragma once

#include <string>

#include "test_env.h"

namespace mx::test {

// A test plugin library built by tests/meson.build, e.g. "broken_crash.so".
std::string test_plugin_library(const std::string& file);

// Copies build/plugins/<name>/<name>.so and its manifest into `dir`.
void copy_shipped_plugin(const fs::path& dir, const std::string& name);

// Copies `library` into `dir` as <name>.so and writes <name>.yaml naming it, with `abi`
// and any further YAML lines.
void add_plugin(const fs::path& dir, const std::string& library, const std::string& name,
                const std::string& abi = "1.0", const std::string& more_yaml = "");

}  // namespace mx::test
