// Reads the module stacks torch 2.x's ONNX exporter records on nodes (see torch_metadata.h).
#include "tags/torch_metadata.h"

#include <map>

#include "base/error.h"
#include "onnx_io/node_metadata.h"

namespace mx {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One Python string literal at s[i] ('...' or "..."), with the escapes repr() writes.
std::string parse_str(const std::string& s, size_t& i) {
  const char quote = s[i++];
  std::string out;
  while (i < s.size() && s[i] != quote) {
    char c = s[i++];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= s.size()) break;
    c = s[i++];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'x': {
        int v = 0;
        for (int k = 0; k < 2; ++k, ++i) {
          const int d = i < s.size() ? hex_digit(s[i]) : -1;
          if (d < 0) throw Error("a \\x escape is not two hex digits");
          v = v * 16 + d;
        }
        out += static_cast<char>(v);
        break;
      }
      default: out += c;  // \\ \' \"
    }
  }
  if (i >= s.size()) throw Error("a string is not closed");
  ++i;
  return out;
}

void skip_space(const std::string& s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')) ++i;
}

using Props = std::vector<std::pair<std::string, std::string>>;

const std::string* find_prop(const Props& props, const char* key) {
  for (const auto& [k, v] : props)
    if (k == key) return &v;
  return nullptr;
}

std::string short_class(const std::string& qualified) {
  const auto dot = qualified.rfind('.');
  return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}

// Builds the tree as paths come: every path gets its dotted ancestors, parents first.
class TreeBuilder {
 public:
  explicit TreeBuilder(std::vector<Module>& modules) : modules_(modules) {}

  int64_t module(const std::string& path, const std::string& qualified_class) {
    auto it = index_.find(path);
    if (it != index_.end()) {
      Module& m = modules_[it->second];
      if (m.qualified_class.empty() && !qualified_class.empty()) set_class(m, qualified_class);
      return it->second;
    }
    const auto dot = path.rfind('.');
    const int64_t parent = dot == std::string::npos ? 0 : module(path.substr(0, dot), "");
    Module m;
    m.path = path;
    m.attr = dot == std::string::npos ? path : path.substr(dot + 1);
    m.parent = parent;
    if (!qualified_class.empty()) set_class(m, qualified_class);
    const auto id = static_cast<int64_t>(modules_.size());
    modules_.push_back(m);
    modules_[parent].children.push_back(id);
    index_[path] = id;
    return id;
  }

  // Modules no call stack names are containers without a forward: a list when its
  // children are numbered, else a dict (both add no tag level).
  void name_containers() {
    for (auto& m : modules_) {
      if (!m.qualified_class.empty() || m.path.empty()) continue;
      bool numbered = !m.children.empty();
      for (int64_t c : m.children)
        numbered = numbered && modules_[c].attr.find_first_not_of("0123456789") == std::string::npos;
      set_class(m, numbered ? "torch.nn.modules.container.ModuleList" : "torch.nn.modules.container.ModuleDict");
    }
  }

 private:
  static void set_class(Module& m, const std::string& qualified) {
    m.qualified_class = qualified;
    m.class_name = short_class(qualified);
  }
  std::vector<Module>& modules_;
  std::map<std::string, int64_t> index_;
};

}  // namespace

std::vector<std::string> parse_python_str_list(const std::string& repr) {
  std::vector<std::string> out;
  size_t i = 0;
  skip_space(repr, i);
  if (i >= repr.size() || repr[i] != '[') throw Error("it does not start with '['");
  ++i;
  skip_space(repr, i);
  if (i < repr.size() && repr[i] == ']') return out;
  while (true) {
    skip_space(repr, i);
    if (i >= repr.size() || (repr[i] != '\'' && repr[i] != '"')) throw Error("an item is not a string");
    out.push_back(parse_str(repr, i));
    skip_space(repr, i);
    if (i < repr.size() && repr[i] == ']') break;
    if (i >= repr.size() || repr[i] != ',') throw Error("items are not separated by ','");
    ++i;
  }
  ++i;
  skip_space(repr, i);
  if (i != repr.size()) throw Error("text follows the closing ']'");
  return out;
}

bool has_torch_module_metadata(const onnx::GraphProto& graph) {
  for (const auto& node : graph.node())
    if (find_prop(node_metadata(node), kNameScopesKey) != nullptr) return true;
  return false;
}

TorchModuleMetadata modules_from_node_metadata(const onnx::GraphProto& graph, const std::string& label) {
  TorchModuleMetadata out;
  Module root;
  out.modules.push_back(root);
  TreeBuilder tree(out.modules);
  for (int n = 0; n < graph.node_size(); ++n) {
    const auto& node = graph.node(n);
    const Props props = node_metadata(node);
    const std::string* scopes = find_prop(props, kNameScopesKey);
    const std::string* classes = find_prop(props, kClassHierarchyKey);
    if (scopes == nullptr) {
      out.node_module.push_back(-1);
      continue;
    }
    const std::string who = "node '" + node.name() + "' of '" + label + "'";
    std::vector<std::string> names, types;
    try {
      names = parse_python_str_list(*scopes);
      if (classes != nullptr) types = parse_python_str_list(*classes);
    } catch (const Error& e) {
      throw Error(who + ": its module metadata is not a list of strings: " + e.what());
    }
    if (classes != nullptr && types.size() != names.size())
      throw Error(who + ": " + kNameScopesKey + " lists " + std::to_string(names.size()) + " items but " +
                  kClassHierarchyKey + " lists " + std::to_string(types.size()));
    // The last item is the FX node, the first the root when its path is "".
    int64_t m = 0;
    for (size_t k = 0; k + 1 < names.size(); ++k) {
      const std::string type = k < types.size() ? types[k] : "";
      if (names[k].empty()) {
        if (!type.empty() && out.modules[0].qualified_class.empty()) {
          out.modules[0].qualified_class = type;
          out.modules[0].class_name = short_class(type);
        }
        continue;
      }
      m = tree.module(names[k], type);
    }
    out.node_module.push_back(m);
  }
  tree.name_containers();
  if (out.modules[0].class_name.empty()) out.modules[0].class_name = "Model";  // no stack named the root
  for (auto& mod : out.modules) mod.calls = 1;
  return out;
}

}  // namespace mx
