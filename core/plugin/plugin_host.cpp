// Loading strategy plugins (Boost.DLL, RTLD_NOW | RTLD_LOCAL, never unloaded).
#define BOOST_DLL_USE_STD_FS
#include "plugin/plugin_host.h"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <cstddef>
#include <deque>
#include <map>

#include "plugin/child_process.h"
#include "plugin/elf_header.h"
#include "base/error.h"

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
  const mx_plugin_t* p = nullptr;
  try {
    p = entry(host_api());
  } catch (const std::exception& e) {
    throw Error("plugin '" + file + "' threw an exception from its entry point across the C ABI: " + e.what());
  } catch (...) {
    throw Error("plugin '" + file + "' threw an exception from its entry point across the C ABI");
  }
  std::string host = version_of(MX_ABI_MAJOR, MX_ABI_MINOR);
  if (!p) throw Error("plugin '" + file + "' refused this host (host ABI " + host + ")");
  // The first three fields keep their place in every ABI version; read nothing else before.
  std::string built = version_of(p->abi_major, p->abi_minor);
  const int32_t verdict = mx_abi_check(p->abi_major, p->abi_minor, MX_ABI_MAJOR, MX_ABI_MINOR);
  if (verdict == MX_ABI_OTHER_MAJOR)
    throw Error("wrong ABI version in plugin '" + file + "': built for " + built + ", this host speaks " +
                std::to_string(MX_ABI_MAJOR) + ".x");
  if (verdict == MX_ABI_NEWER_MINOR)
    throw Error("plugin '" + file + "' was built for ABI " + built + ", newer than this host's " + host +
                ": update modelexport or rebuild the plugin against this SDK");
  if (p->struct_size < offsetof(mx_plugin_t, get_extension))
    throw Error("plugin '" + file + "' returned a descriptor of " + std::to_string(p->struct_size) +
                " bytes, too small for ABI 1.0");
  if (!p->name || m.name != p->name)
    throw Error("plugin '" + file + "' calls itself '" + std::string(p->name ? p->name : "") + "' but its manifest '" +
                m.manifest_path + "' says '" + m.name + "'");
  if (!p->tag_modules || !p->tag_nodes) throw Error("plugin '" + file + "' lacks tag_modules or tag_nodes");
  return LoadedPlugin{m, p};
}

// Loads and checks the plugin in a child first, under the time limit: its constructors and
// entry point are its code too, and the host only loads a library that loaded safely there.
void probe(const PluginManifest& m, double timeout_seconds, const std::function<void()>& meanwhile) {
  const std::string& file = m.library_path;
  if (std::string why = elf_mismatch(file); !why.empty()) throw Error("cannot load plugin '" + file + "': " + why);
  ChildOutcome child = run_in_child(
      [&]() -> std::string {
        try {
          load(m);
          return "ok";
        } catch (const std::exception& e) {
          return e.what();
        }
      },
      timeout_seconds, meanwhile);
  if (!child.answered) {
    std::string hint = child.timed_out_after > 0 ? " (see --strategy-timeout)" : "";
    throw Error("plugin '" + file + "' " + describe_failure(child) +
                " while loading (its constructors or " MX_ENTRY_SYMBOL "); the host is unharmed" + hint);
  }
  if (child.payload.empty())  // exit(0) from plugin code: it never got back to us
    throw Error("plugin '" + file + "' ended the process (exit status 0) while loading, in its constructors or " +
                MX_ENTRY_SYMBOL "; the host is unharmed");
  if (child.payload != "ok") throw Error(child.payload);
}

}  // namespace

const LoadedPlugin& load_strategy(const std::string& strategy, const std::vector<std::string>& dirs,
                                  double timeout_seconds, const std::function<void()>& meanwhile) {
  return load_strategy(strategy, discover_plugins(dirs), dirs, timeout_seconds, meanwhile);
}

const LoadedPlugin& load_strategy(const std::string& strategy, const std::vector<PluginManifest>& found,
                                  const std::vector<std::string>& dirs, double timeout_seconds,
                                  const std::function<void()>& meanwhile) {
  const PluginManifest* broken = nullptr;
  for (const auto& m : found) {
    if (m.name != strategy) continue;
    if (!m.error.empty()) {
      if (!broken) broken = &m;
      continue;
    }
    auto it = loaded().find(m.library_path);
    if (it == loaded().end()) {
      probe(m, timeout_seconds, meanwhile);
      it = loaded().emplace(m.library_path, load(m)).first;
    }
    return it->second;
  }
  // No good plugin of that name: the first broken one is the reason.
  if (broken) throw Error(broken->error);
  std::string searched;
  for (const auto& d : dirs) searched += (searched.empty() ? "" : ", ") + d;
  throw Error("strategy '" + strategy + "' not found: no plugin manifest names it in the folders searched (" +
              searched + "); add folders with --plugin-dir or MODELEXPORT_PLUGIN_PATH, see `modelexport plugins`");
}

}  // namespace mx
