// Reading a tagged ONNX file and its sidecar (protobuf's JSON parser over sidecar.proto).
#include "tags/tagged_model.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/error.h"
#include "base/input_file.h"
#include "base/utf8.h"
#include "onnx_io/node_metadata.h"
#include "onnx_io/onnx_file.h"
#include "tags/sidecar.pb.h"
#include "tags/tag_output.h"

namespace mx {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

// Parses the sidecar or says why it cannot be used.
std::string read_sidecar(const std::string& path, modelexport::sidecar::Hierarchy& h) {
  std::string text;
  try {
    text = read_input_file(path, "sidecar");
  } catch (const Error& e) {
    return e.what();
  }
  google::protobuf::util::JsonParseOptions opts;
  opts.ignore_unknown_fields = true;  // newer files may add fields without a schema bump
  auto status = google::protobuf::util::JsonStringToMessage(text, &h, opts);
  if (!status.ok()) return "sidecar '" + path + "' is not a valid hierarchy JSON: " + status.ToString();
  if (h.schema_version() < 1 || h.schema_version() > kSidecarSchemaVersion)
    return "sidecar '" + path + "' has schema_version " + std::to_string(h.schema_version()) +
           "; this modelexport reads version " + std::to_string(kSidecarSchemaVersion);
  // Every index is range-checked before anything follows it; a parent must also contain
  // its child by path, else extract would cut a module without part of it.
  for (int i = 0; i < h.modules_size(); ++i) {
    int p = h.modules(i).parent();
    if (i == 0 ? p != -1 : (p < 0 || p >= i))
      return "sidecar '" + path + "': module " + std::to_string(i) + " ('" + h.modules(i).path() + "') has parent " +
             std::to_string(p) + " (index 0 must be the root and parents must come first)";
    if (p > 0 && h.modules(i).path().rfind(h.modules(p).path() + ".", 0) != 0)
      return "sidecar '" + path + "': module " + std::to_string(i) + " ('" + h.modules(i).path() + "') has parent " +
             std::to_string(p) + " ('" + h.modules(p).path() + "'), whose path does not contain it";
  }
  return "";
}

void modules_from_sidecar(const modelexport::sidecar::Hierarchy& h, std::vector<TaggedModule>& out) {
  for (const auto& m : h.modules()) {
    TaggedModule t;
    t.path = m.path();
    t.class_name = m.class_name();
    t.tag = m.tag();
    t.parent = m.parent();
    t.calls = m.calls();
    t.other_paths.assign(m.other_paths().begin(), m.other_paths().end());
    out.push_back(t);
  }
}

// Without a sidecar: one module per tag and tag prefix. Paths come from the nodes; a module
// that owns no node has no known path (a hidden ModuleList may sit between it and its
// children, so their common prefix would be a guess).
void modules_from_tags(const std::vector<TaggedNode>& nodes, std::vector<TaggedModule>& out) {
  std::map<std::string, int> index;
  auto add = [&](const std::string& tag, int parent) {
    auto [it, fresh] = index.emplace(tag, static_cast<int>(out.size()));
    if (fresh) {
      TaggedModule m;
      m.tag = tag;
      m.parent = parent;
      std::string segment = tag.substr(tag.rfind('/') + 1);
      m.class_name = segment.substr(0, segment.find('.'));
      out.push_back(m);
    }
    return it->second;
  };
  std::string root_tag;
  for (const auto& n : nodes)
    if (n.has_tag && n.tag.size() > 1 && n.tag[0] == '/') {
      root_tag = "/" + split(n.tag.substr(1), '/')[0];
      break;
    }
  if (root_tag.empty()) return;
  add(root_tag, -1);
  for (const auto& n : nodes) {
    if (!n.has_tag || n.tag.rfind(root_tag, 0) != 0) continue;
    int parent = 0;
    std::string prefix = root_tag;
    for (const auto& seg : split(n.tag.substr(root_tag.size()), '/')) {
      if (seg.empty()) continue;
      prefix += "/" + seg;
      parent = add(prefix, parent);
    }
    if (out[parent].path.empty()) out[parent].path = n.module;
  }
}

}  // namespace

TaggedModel load_tagged_model(const std::string& onnx_path, const std::string& sidecar_path, bool weights) {
  TaggedModel t;
  t.onnx_path = onnx_path;
  t.model = read_onnx_file(onnx_path, weights);
  for (const auto& node : t.model.graph().node()) {
    TaggedNode n;
    n.name = node.name();
    n.op_type = node.op_type();
    // ONNX strings are UTF-8; these go into our protobuf reports, whose writer refuses (and
    // logs to stderr) anything else. The onnx_sidecar fuzzer found the log lines.
    auto utf8 = [&](const std::string& s, const std::string& what) {
      if (!valid_utf8(s))
        throw Error("'" + onnx_path + "': node " + std::to_string(t.nodes.size()) + "'s " + what +
                    " is not valid UTF-8 (ONNX strings are UTF-8): not a file that an ONNX writer wrote whole");
    };
    utf8(n.name, "name");
    utf8(n.op_type, "op_type");
    for (const auto& [k, v] : node_metadata(node)) {
      utf8(k, "metadata key"), utf8(v, "metadata '" + (valid_utf8(k) ? k : std::string("?")) + "'");
      if (k == kTagKey) n.has_tag = true, n.tag = v;
      if (k == kModuleKey) n.module = v;
      if (k == kDecisionKey) n.decision = v;
      if (k == kNamespaceKey) n.ns = v;
    }
    t.nodes.push_back(n);
  }
  t.sidecar_path = sidecar_path.empty() ? sidecar_path_for(onnx_path) : sidecar_path;
  std::error_code ec;
  if (std::filesystem::exists(t.sidecar_path, ec)) {
    auto h = std::make_shared<modelexport::sidecar::Hierarchy>();
    t.sidecar_error = read_sidecar(t.sidecar_path, *h);
    if (t.sidecar_error.empty()) t.sidecar = h;
  } else if (!sidecar_path.empty()) {
    t.sidecar_error = "sidecar '" + sidecar_path + "' does not exist";
  }
  if (t.sidecar && t.sidecar->modules_size() > 0) {
    modules_from_sidecar(*t.sidecar, t.modules);
    t.modules_from_sidecar = true;
  } else {
    modules_from_tags(t.nodes, t.modules);
  }
  for (size_t m = 1; m < t.modules.size(); ++m) t.modules[t.modules[m].parent].children.push_back(static_cast<int>(m));

  std::map<std::string, int> by_key;  // module path (sidecar) or tag (rebuilt tree) -> index
  for (size_t m = 0; m < t.modules.size(); ++m)
    by_key.emplace(t.modules_from_sidecar ? t.modules[m].path : t.modules[m].tag, static_cast<int>(m));
  for (auto& n : t.nodes) {
    if (!n.has_tag) continue;
    auto it = by_key.find(t.modules_from_sidecar ? n.module : n.tag);
    if (it == by_key.end()) continue;
    n.module_index = it->second;
    t.modules[it->second].direct_nodes++;
    for (int a = it->second; a >= 0; a = t.modules[a].parent) t.modules[a].total_nodes++;
  }
  return t;
}

void require_tags(const TaggedModel& t) {
  if (!t.sidecar_error.empty()) throw Error(t.sidecar_error);
  bool any = std::any_of(t.nodes.begin(), t.nodes.end(), [](const TaggedNode& n) { return n.has_tag; });
  if (!any)
    throw Error("'" + t.onnx_path + "' has no modelexport tags on its nodes: export it with `modelexport export`, " +
                "or tag a file from torch.onnx.export with `modelexport tag`");
}

int TaggedModel::find_path(const std::string& path) const {
  for (size_t m = 0; m < modules.size(); ++m)
    if (modules[m].path == path) return static_cast<int>(m);
  return -1;
}

int TaggedModel::find_tag(const std::string& tag) const {
  for (size_t m = 0; m < modules.size(); ++m)
    if (modules[m].tag == tag && !modules[m].hidden(modules)) return static_cast<int>(m);
  return -1;
}

std::string TaggedModel::label(int m) const {
  if (m == 0) return "<root>";
  return modules[m].path.empty() ? "? (" + modules[m].tag + ")" : modules[m].path;
}

std::string TaggedModel::tree_label(int m) const {
  const auto& mod = modules[m];
  if (mod.parent < 0) return mod.tag;
  if (mod.hidden(modules)) return "[" + mod.class_name + "]";
  return mod.tag.substr(mod.tag.rfind('/') + 1);
}

std::vector<int> TaggedModel::subtree(int m) const {
  std::vector<int> out{m};
  for (size_t i = 0; i < out.size(); ++i)
    for (int c : modules[out[i]].children) out.push_back(c);
  return out;
}

std::vector<int> TaggedModel::nodes_of(int m) const {
  std::vector<char> inside(modules.size(), 0);
  for (int s : subtree(m)) inside[s] = 1;
  std::vector<int> out;
  for (size_t n = 0; n < nodes.size(); ++n)
    if (nodes[n].module_index >= 0 && inside[nodes[n].module_index]) out.push_back(static_cast<int>(n));
  return out;
}

}  // namespace mx
