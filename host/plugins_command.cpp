// `modelexport plugins`: the strategies found in the plugin folders, from manifests only.
#include <boost/program_options.hpp>
#include <iostream>

#include "command_line.h"
#include "commands.h"
#include "plugin/plugin_registry.h"

namespace po = boost::program_options;

namespace mx::cli {

int plugins_command(const std::vector<std::string>& args) {
  std::vector<std::string> plugin_dirs;
  bool verbose = false;
  po::options_description desc(R"(usage: modelexport plugins [--plugin-dir DIR ...] [--verbose]

Lists the tagging strategies found in the plugin folders: --plugin-dir flags first, then
MODELEXPORT_PLUGIN_PATH (':'-separated), then the installed folder. Only manifests are
read; no plugin is loaded. Broken plugins are listed with the reason. --verbose also shows
what each plugin adds to core's operator registry (operator rows, auxiliary op types) and
any conflicts between those entries.

options)");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("plugin-dir", po::value(&plugin_dirs)->composing(), "folder with strategy plugins (repeatable)")
      ("verbose,v", po::bool_switch(&verbose), "also show each plugin's files and settings, and the folders searched");
  // clang-format on
  if (int code = parse_command_line("plugins", args, desc, nullptr); code >= 0) return code;
  auto dirs = plugin_search_path(plugin_dirs);
  auto found = discover_plugins(dirs);
  auto entries = merge_plugin_entries(OpRegistry::builtin(), found);
  int good = 0;
  for (const auto& m : found) {
    if (!m.error.empty()) continue;
    ++good;
    std::cout << m.name << " " << m.version << " (ABI " << m.abi << ")  " << m.description << "\n";
    if (!verbose) continue;
    std::cout << "    manifest " << m.manifest_path << "\n    library  " << m.library_path << "\n";
    for (const auto& [k, v] : m.settings) std::cout << "    setting  " << k << " = " << v << "\n";
    for (const auto& line : entries.contributed[m.manifest_path]) std::cout << "    adds     " << line << "\n";
  }
  for (const auto& m : found)
    if (!m.error.empty()) std::cerr << "modelexport: warning: " << m.error << "\n";
  for (const auto& c : entries.conflicts) std::cerr << "modelexport: warning: " << c << "\n";
  if (good == 0) std::cout << "no strategies found\n";
  if (verbose || good == 0) {
    std::cout << "folders searched:\n";
    for (const auto& d : dirs) std::cout << "  " << d << "\n";
  }
  return 0;
}

}  // namespace mx::cli
