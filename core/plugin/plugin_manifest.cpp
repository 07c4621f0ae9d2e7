// Plugin discovery: the search path and the YAML manifests beside each plugin library.
#include "plugin/plugin_manifest.h"

#include "tags/decisions.h"

#include <modelexport/plugin.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "base/checked_number.h"

namespace fs = std::filesystem;

namespace mx {
namespace {

// Thrown while reading one manifest; becomes PluginManifest::error.
struct Broken {
  std::string why;
};

std::string at_line(const YAML::Node& n) { return " (line " + std::to_string(n.Mark().line + 1) + ")"; }

std::string scalar(const YAML::Node& map, const char* key, const std::string& where) {
  YAML::Node v = map[key];
  if (!v || !v.IsScalar()) throw Broken{where + " lacks '" + key + "'" + at_line(map)};
  return v.as<std::string>();
}

void read_operators(const YAML::Node& rows, PluginManifest& m) {
  if (!rows) return;
  if (!rows.IsSequence()) throw Broken{"'operators' must be a list of {aten, onnx, since}" + at_line(rows)};
  for (const auto& row : rows) {
    if (!row.IsMap()) throw Broken{"an 'operators' entry must be a mapping {aten, onnx, since}" + at_line(row)};
    OperatorRow r;
    r.aten = scalar(row, "aten", "an 'operators' row");
    r.onnx = scalar(row, "onnx", "an 'operators' row");
    r.line = row.Mark().line + 1;
    if (r.aten.rfind("aten::", 0) != 0 && r.aten.rfind("prim::", 0) != 0)
      throw Broken{"operator '" + r.aten + "' must be spelled like aten::name" + at_line(row)};
    if (row["since"]) {
      try {
        r.since = row["since"].as<int>();
      } catch (const YAML::Exception&) {
        throw Broken{"'since' of operator '" + r.aten + "' must be an opset number" + at_line(row)};
      }
    }
    m.operators.push_back(r);
  }
}

void read_auxiliary(const YAML::Node& entries, PluginManifest& m) {
  if (!entries) return;
  if (!entries.IsSequence()) throw Broken{"'auxiliary' must be a list of {op, inherit}" + at_line(entries)};
  for (const auto& e : entries) {
    if (!e.IsMap()) throw Broken{"an 'auxiliary' entry must be a mapping {op, inherit}" + at_line(e)};
    AuxiliaryOp a;
    a.op_type = scalar(e, "op", "an 'auxiliary' entry");
    std::string inherit = scalar(e, "inherit", "an 'auxiliary' entry");
    a.line = e.Mark().line + 1;
    a.inherit = decision_code(inherit);
    if (a.inherit != MX_DECISION_CONSUMER && a.inherit != MX_DECISION_PRODUCER)
      throw Broken{"'inherit' of auxiliary op '" + a.op_type + "' must be consumer or producer, got '" + inherit + "'" +
                   at_line(e)};
    m.auxiliary.push_back(a);
  }
}

void read_fields(const YAML::Node& root, PluginManifest& m) {
  if (!root.IsMap()) throw Broken{"expected a mapping with name, version, abi, library"};
  m.name = scalar(root, "name", "the manifest");
  m.abi = scalar(root, "abi", "the manifest");
  m.version = root["version"] ? root["version"].as<std::string>() : "";
  m.description = root["description"] ? root["description"].as<std::string>() : "";
  std::string library = root["library"] ? root["library"].as<std::string>() : m.name + ".so";
  m.library_path = (fs::path(m.manifest_path).parent_path() / library).lexically_normal().string();
  if (auto settings = root["settings"]) {
    if (!settings.IsMap()) throw Broken{"'settings' must be a mapping of key: value"};
    for (const auto& kv : settings) {
      if (!kv.second.IsScalar()) throw Broken{"setting '" + kv.first.as<std::string>() + "' must be a single value"};
      m.settings.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
    }
  }
  read_operators(root["operators"], m);
  read_auxiliary(root["auxiliary"], m);
}

// The manifest's own ABI claim; the library's is checked again when it is loaded.
void check_abi(const std::string& abi) {
  auto dot = abi.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == abi.size() ||
      abi.find_first_not_of("0123456789.") != abi.npos || abi.find('.', dot + 1) != abi.npos)
    throw Broken{"'abi' must look like \"1.0\", got '" + abi + "'"};
  const std::string host = std::to_string(MX_ABI_MAJOR) + "." + std::to_string(MX_ABI_MINOR);
  auto major = to_int64(abi.substr(0, dot), 0, UINT32_MAX), minor = to_int64(abi.substr(dot + 1), 0, UINT32_MAX);
  if (!major || !minor) throw Broken{"'abi' \"" + abi + "\" has a version number too large to be one"};
  const int32_t verdict =
      mx_abi_check(static_cast<uint32_t>(*major), static_cast<uint32_t>(*minor), MX_ABI_MAJOR, MX_ABI_MINOR);
  if (verdict == MX_ABI_OTHER_MAJOR)
    throw Broken{"wrong ABI version: built for " + abi + ", this host speaks " + std::to_string(MX_ABI_MAJOR) + ".x"};
  if (verdict == MX_ABI_NEWER_MINOR)
    throw Broken{"built for ABI " + abi + ", newer than this host's " + host +
                 ": update modelexport or rebuild the plugin against this SDK"};
}

void scan(const fs::path& dir, std::vector<fs::path>& manifests, std::vector<fs::path>& libraries) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    if (e.path().extension() == ".yaml") manifests.push_back(e.path());
    if (e.path().extension() == ".so") libraries.push_back(fs::absolute(e.path()).lexically_normal());
  }
}

}  // namespace

PluginManifest read_manifest(const std::string& path) {
  PluginManifest m;
  m.manifest_path = fs::absolute(path).lexically_normal().string();
  try {
    read_fields(YAML::LoadFile(path), m);
    check_abi(m.abi);
    std::error_code ec;
    if (!fs::is_regular_file(m.library_path, ec)) throw Broken{"its library '" + m.library_path + "' does not exist"};
  } catch (const Broken& b) {
    m.error = "plugin manifest '" + m.manifest_path + "': " + b.why;
  } catch (const YAML::Exception& e) {
    m.error = "plugin manifest '" + m.manifest_path + "': not valid YAML: " + e.what();
  } catch (const std::exception& e) {  // anything else (a bad value yaml-cpp converts) breaks this plugin alone
    m.error = "plugin manifest '" + m.manifest_path + "': cannot be read: " + e.what();
  }
  return m;
}

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
  // The installed folder, unless MODELEXPORT_INSTALLED_PLUGIN_DIR names another (a moved
  // installation; the tests point it at an empty folder so that they never depend on what
  // `meson install` put on this machine).
  const char* installed = std::getenv("MODELEXPORT_INSTALLED_PLUGIN_DIR");
  dirs.push_back(installed ? installed : MX_PLUGIN_INSTALL_DIR);
  return dirs;
}

std::vector<PluginManifest> discover_plugins(const std::vector<std::string>& dirs) {
  std::vector<PluginManifest> out;
  std::set<std::string> names, seen, named_libraries;
  std::vector<fs::path> libraries;
  for (const auto& dir : dirs) {
    std::vector<fs::path> manifests;
    scan(dir, manifests, libraries);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory(ec)) scan(e.path(), manifests, libraries);
    std::sort(manifests.begin(), manifests.end());
    for (const auto& path : manifests) {
      auto m = read_manifest(path.string());
      if (!seen.insert(m.manifest_path).second) continue;
      if (!m.library_path.empty()) named_libraries.insert(m.library_path);
      if (m.error.empty() && !names.insert(m.name).second) continue;  // shadowed by an earlier folder
      out.push_back(std::move(m));
    }
  }
  // A library nobody names would be silently ignored; say why it is not a strategy.
  for (const auto& lib : libraries) {
    std::string beside = fs::path(lib).replace_extension(".yaml").string();
    if (named_libraries.count(lib.string()) || seen.count(beside) || !seen.insert(lib.string()).second) continue;
    PluginManifest m;
    m.name = lib.stem().string();
    m.library_path = lib.string();
    m.manifest_path = beside;
    m.error = "plugin library '" + m.library_path + "' has no manifest beside it (expected '" + m.manifest_path +
              "' with name, version, abi): it is ignored";
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace mx
