// Plugin discovery: the search path and the YAML manifests beside each plugin library.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "plugin_host.h"

namespace fs = std::filesystem;

namespace mx {
namespace {

PluginManifest read_manifest(const fs::path& path) {
  PluginManifest m;
  m.manifest_path = fs::absolute(path).lexically_normal().string();
  auto broken = [&](const std::string& why) {
    m.error = "plugin manifest '" + m.manifest_path + "': " + why;
    return m;
  };
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::Exception& e) {
    return broken(std::string("not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) return broken("expected a mapping with name, version, abi, library");
  try {
    for (const char* key : {"name", "abi"})
      if (!root[key] || !root[key].IsScalar()) return broken(std::string("missing key '") + key + "'");
    m.name = root["name"].as<std::string>();
    m.abi = root["abi"].as<std::string>();
    m.version = root["version"] ? root["version"].as<std::string>() : "";
    m.description = root["description"] ? root["description"].as<std::string>() : "";
    std::string library = root["library"] ? root["library"].as<std::string>() : m.name + ".so";
    m.library_path = (fs::path(m.manifest_path).parent_path() / library).lexically_normal().string();
    if (auto settings = root["settings"]) {
      if (!settings.IsMap()) return broken("'settings' must be a mapping of key: value");
      for (const auto& kv : settings) {
        if (!kv.second.IsScalar()) return broken("setting '" + kv.first.as<std::string>() + "' must be a single value");
        m.settings.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
      }
    }
  } catch (const YAML::Exception& e) {
    return broken(e.what());
  }
  auto dot = m.abi.find('.');
  if (dot == std::string::npos || m.abi.find_first_not_of("0123456789.") != std::string::npos)
    return broken("'abi' must look like \"1.0\", got '" + m.abi + "'");
  if (std::stoul(m.abi.substr(0, dot)) != MX_ABI_MAJOR)
    return broken("wrong ABI version: built for " + m.abi + ", this host speaks " + std::to_string(MX_ABI_MAJOR) +
                  ".x");
  std::error_code ec;
  if (!fs::is_regular_file(m.library_path, ec)) return broken("its library '" + m.library_path + "' does not exist");
  return m;
}

std::vector<fs::path> manifests_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec) && e.path().extension() == ".yaml") out.push_back(e.path());
    if (!e.is_directory(ec)) continue;
    for (const auto& sub : fs::directory_iterator(e.path(), ec))
      if (sub.is_regular_file(ec) && sub.path().extension() == ".yaml") out.push_back(sub.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<std::string> plugin_search_path(const std::vector<std::string>& flag_dirs) {
  std::vector<std::string> dirs = flag_dirs;
  if (const char* env = std::getenv("MODELEXPORT_PLUGIN_PATH")) {
    std::string s = env;
    size_t start = 0;
    while (start <= s.size()) {
      size_t end = s.find(':', start);
      if (end == std::string::npos) end = s.size();
      if (end > start) dirs.push_back(s.substr(start, end - start));
      start = end + 1;
    }
  }
  dirs.push_back(MX_PLUGIN_INSTALL_DIR);
  return dirs;
}

std::vector<PluginManifest> discover_plugins(const std::vector<std::string>& dirs) {
  std::vector<PluginManifest> out;
  std::set<std::string> names, seen;
  for (const auto& dir : dirs) {
    for (const auto& path : manifests_in(dir)) {
      auto m = read_manifest(path);
      if (!seen.insert(m.manifest_path).second) continue;
      if (m.error.empty() && !names.insert(m.name).second) continue;  // shadowed by an earlier folder
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace mx
