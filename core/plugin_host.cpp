// Loading strategy plugins (Boost.DLL, RTLD_NOW | RTLD_LOCAL, never unloaded) and running them.
#define BOOST_DLL_USE_STD_FS
#include "plugin_host.h"

#include <dlfcn.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>

#include "error.h"

namespace mx {
namespace {

// Loaded libraries stay loaded until exit: plugin code may still be referenced.
std::deque<boost::dll::shared_library>& libraries() {
  static std::deque<boost::dll::shared_library> libs;
  return libs;
}

std::map<std::string, LoadedPlugin>& loaded() {
  static std::map<std::string, LoadedPlugin> plugins;
  return plugins;
}

std::string version_of(uint32_t major, uint32_t minor) { return std::to_string(major) + "." + std::to_string(minor); }

LoadedPlugin load(const PluginManifest& m) {
  const std::string& file = m.library_path;
  boost::dll::shared_library lib;
  boost::dll::fs::error_code ec;
  lib.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) {
    const char* why = dlerror();
    throw Error("cannot load plugin '" + file + "': " + (why ? why : ec.message()));
  }
  if (!lib.has(MX_ENTRY_SYMBOL))
    throw Error("plugin '" + file + "' has no entry symbol '" MX_ENTRY_SYMBOL "': it is not a modelexport plugin");
  auto& entry = lib.get<const mx_plugin_t*(const mx_host_api_t*)>(MX_ENTRY_SYMBOL);
  libraries().push_back(lib);
  const mx_plugin_t* p = entry(host_api());
  std::string host = version_of(MX_ABI_MAJOR, MX_ABI_MINOR);
  if (!p) throw Error("plugin '" + file + "' refused this host (host ABI " + host + ")");
  if (p->struct_size < offsetof(mx_plugin_t, get_extension))
    throw Error("plugin '" + file + "' returned a descriptor of " + std::to_string(p->struct_size) +
                " bytes, too small for ABI 1.0");
  std::string built = version_of(p->abi_major, p->abi_minor);
  if (p->abi_major != MX_ABI_MAJOR)
    throw Error("wrong ABI version in plugin '" + file + "': built for " + built + ", this host speaks " +
                std::to_string(MX_ABI_MAJOR) + ".x");
  if (p->abi_minor > MX_ABI_MINOR)
    throw Error("plugin '" + file + "' was built for ABI " + built + ", newer than this host's " + host +
                ": update modelexport or rebuild the plugin against this SDK");
  if (!p->name || m.name != p->name)
    throw Error("plugin '" + file + "' calls itself '" + std::string(p->name ? p->name : "") + "' but its manifest '" +
                m.manifest_path + "' says '" + m.name + "'");
  if (!p->tag_modules || !p->tag_nodes) throw Error("plugin '" + file + "' lacks tag_modules or tag_nodes");
  return LoadedPlugin{m, p};
}

std::string take_message(mx_status_t* s) {
  std::string msg = host_api()->status_message(s);
  host_api()->status_release(s);
  return msg;
}

}  // namespace

const LoadedPlugin& load_strategy(const std::string& strategy, const std::vector<std::string>& dirs) {
  std::string broken;
  for (const auto& m : discover_plugins(dirs)) {
    if (!m.error.empty()) {
      broken += "\n  " + m.error;
      continue;
    }
    if (m.name != strategy) continue;
    auto it = loaded().find(m.library_path);
    if (it == loaded().end()) it = loaded().emplace(m.library_path, load(m)).first;
    return it->second;
  }
  std::string searched;
  for (const auto& d : dirs) searched += "\n  " + d;
  throw Error(
      "strategy '" + strategy + "' not found: no plugin manifest names it in the folders searched:" + searched +
      "\n(add folders with --plugin-dir or MODELEXPORT_PLUGIN_PATH; `modelexport plugins` lists what is found)" +
      (broken.empty() ? "" : "\nbroken plugins seen on the way:" + broken));
}

TagResult run_strategy(const LoadedPlugin& lp, const Trace& trace, const ConvertedModel& model,
                       const Options& options) {
  auto start = std::chrono::steady_clock::now();
  const std::string who = "strategy '" + lp.manifest.name + "' (" + lp.manifest.library_path + ")";
  Options merged = lp.manifest.settings;
  for (const auto& kv : options) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.first == kv.first; });
    if (it != merged.end())
      it->second = kv.second;
    else
      merged.push_back(kv);
  }
  std::vector<mx_option_t> opts;
  for (const auto& [k, v] : merged) opts.push_back({k.c_str(), v.c_str()});

  mx_graph_t graph(trace, model, lp.manifest.name);
  if (auto* s = lp.plugin->tag_modules(host_api(), &graph, opts.data(), static_cast<int64_t>(opts.size())))
    throw Error(who + " failed to tag modules: " + take_message(s));
  for (size_t m = 0; m < trace.modules.size(); ++m)
    if (!graph.result.module_tags[m])
      throw Error(who + " left module '" + trace.module_label(static_cast<int64_t>(m)) + "' without a tag");
  if (auto* s = lp.plugin->tag_nodes(host_api(), &graph, opts.data(), static_cast<int64_t>(opts.size())))
    throw Error(who + " failed to tag nodes: " + take_message(s));
  size_t untagged = 0;
  std::string example;
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    if (graph.result.node_module[n] < 0 && untagged++ == 0)
      example = model.model.graph().node(static_cast<int>(n)).name();
  if (untagged)
    throw Error(who + " left " + std::to_string(untagged) + " of " + std::to_string(graph.nodes.size()) +
                " nodes untagged (first: '" + example + "')");
  graph.result.strategy = lp.manifest.name;
  graph.result.strategy_version = lp.plugin->version ? lp.plugin->version : "";
  graph.result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::move(graph.result);
}

}  // namespace mx
