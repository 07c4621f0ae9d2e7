// The checks behind `modelexport tags validate`; each problem names what is wrong and where,
// so that a user can find it in Netron or in the JSON.
#include "tags/tag_validate.h"

#include "tags/decisions.h"

#include <onnx/checker.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "onnx_io/external_data.h"
#include "tags/sidecar.pb.h"
#include "tags/tag_output.h"

namespace mx {
namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string segment_error(const std::string& seg) {
  if (seg.empty()) return "it has an empty segment ('//' or a trailing '/')";
  if (!ident_start(seg[0])) return "segment '" + seg + "' does not start with a class name";
  size_t i = 0;
  while (i < seg.size() && ident_char(seg[i])) ++i;
  while (i < seg.size() && seg[i] == '.') {  // ".0", ".layer2", ".layer.0"
    size_t start = ++i;
    while (i < seg.size() && ident_char(seg[i])) ++i;
    if (i == start) return "segment '" + seg + "' has an empty '.' part";
  }
  if (i < seg.size() && seg[i] == '#') {  // the tag builder's last-resort disambiguator
    size_t start = ++i;
    while (i < seg.size() && std::isdigit(static_cast<unsigned char>(seg[i]))) ++i;
    if (i == start) return "segment '" + seg + "' has '#' without a number";
  }
  if (i < seg.size()) return "segment '" + seg + "' has '" + std::string(1, seg[i]) + "' where none may be";
  return "";
}

std::string node_label(const TaggedNode& n, int index) {
  return "node " + std::to_string(index) + " '" + n.name + "' (" + n.op_type + ")";
}

void check_nodes(const TaggedModel& t, ValidationReport& r) {
  std::map<std::string, int> seen;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    const std::string who = node_label(n, static_cast<int>(i));
    if (!seen.emplace(n.name, static_cast<int>(i)).second)
      r.problems.push_back(who + " has the same name as node " + std::to_string(seen[n.name]));
    if (!n.has_tag) {
      r.problems.push_back(who + " has no " + kTagKey);
      continue;
    }
    r.tagged++;
    if (auto why = tag_syntax_error(n.tag); !why.empty())
      r.problems.push_back(who + " has tag '" + n.tag + "' that does not parse: " + why);
    if (n.ns != namespace_for_tag(n.tag))
      r.problems.push_back(who + ": " + kNamespaceKey + " '" + n.ns + "' is not its tag without the leading '/' ('" +
                           namespace_for_tag(n.tag) + "')");
    if (decision_code(n.decision) == 0)
      r.problems.push_back(who + " has unknown " + kDecisionKey + " '" + n.decision + "'");
  }
}

// The module list: not empty, paths unique (parents are checked on reading).
void check_module_tree(const modelexport::sidecar::Hierarchy& h, const std::string& file, ValidationReport& r) {
  if (h.modules_size() == 0) {
    r.problems.push_back(file + " lists no modules (index 0 must be the root)");
    return;
  }
  std::map<std::string, int> by_path;
  for (int m = 1; m < h.modules_size(); ++m) {
    const auto& mod = h.modules(m);
    if (auto [it, fresh] = by_path.emplace(mod.path(), m); !fresh)
      r.problems.push_back(file + ": modules " + std::to_string(it->second) + " and " + std::to_string(m) +
                           " have the same path '" + mod.path() + "'");
  }
}

void check_sidecar(const TaggedModel& t, const modelexport::sidecar::Hierarchy& h, ValidationReport& r) {
  const std::string file = "sidecar '" + t.sidecar_path + "'";
  std::map<std::string, int> graph_index;
  for (size_t i = 0; i < t.nodes.size(); ++i) graph_index.emplace(t.nodes[i].name, static_cast<int>(i));
  std::set<std::string> listed;
  if (h.nodes_size() != static_cast<int>(t.nodes.size()))
    r.problems.push_back(file + " lists " + std::to_string(h.nodes_size()) + " nodes; the graph has " +
                         std::to_string(t.nodes.size()));
  for (const auto& s : h.nodes()) {
    if (!listed.insert(s.name()).second) {
      r.problems.push_back(file + " lists node '" + s.name() + "' more than once");
      continue;
    }
    auto it = graph_index.find(s.name());
    if (it == graph_index.end()) {
      r.problems.push_back(file + " names node '" + s.name() + "', which does not exist in the ONNX graph");
      continue;
    }
    const auto& n = t.nodes[it->second];
    const std::string who = node_label(n, it->second);
    if (s.tag() != n.tag) r.problems.push_back(who + ": tag '" + n.tag + "' but the sidecar says '" + s.tag() + "'");
    if (s.module() != n.module)
      r.problems.push_back(who + ": module '" + n.module + "' but the sidecar says '" + s.module() + "'");
    if (s.decision() != n.decision)
      r.problems.push_back(who + ": decision '" + n.decision + "' but the sidecar says '" + s.decision() + "'");
  }
  for (size_t i = 0; i < t.nodes.size(); ++i)
    if (!listed.count(t.nodes[i].name))
      r.problems.push_back(node_label(t.nodes[i], static_cast<int>(i)) + " is missing from the " + file);
  if (h.summary().nodes() != static_cast<int>(t.nodes.size()))
    r.problems.push_back(file + " summary says " + std::to_string(h.summary().nodes()) + " nodes; the graph has " +
                         std::to_string(t.nodes.size()));

  check_module_tree(h, file, r);
  // Modules: tags parse and are unique among visible modules; each node's module is known
  // and carries the node's tag.
  std::map<std::string, int> tag_owner;
  for (size_t m = 0; m < t.modules.size(); ++m) {
    const auto& mod = t.modules[m];
    if (auto why = tag_syntax_error(mod.tag); !why.empty())
      r.problems.push_back(file + ": module '" + t.label(static_cast<int>(m)) + "' has tag '" + mod.tag +
                           "' that does not parse: " + why);
    if (mod.hidden(t.modules)) {  // a container (ModuleList) shares its parent's tag and runs no op
      if (mod.direct_nodes > 0)
        r.problems.push_back(file + ": module '" + t.label(static_cast<int>(m)) + "' has its parent's tag '" +
                             mod.tag + "' but nodes of its own");
      continue;
    }
    auto [it, fresh] = tag_owner.emplace(mod.tag, static_cast<int>(m));
    if (!fresh)
      r.problems.push_back(file + ": modules '" + t.label(it->second) + "' and '" + t.label(static_cast<int>(m)) +
                           "' share tag '" + mod.tag + "'");
  }
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    if (!n.has_tag) continue;
    if (n.module_index < 0) {
      r.problems.push_back(node_label(n, static_cast<int>(i)) + " names module '" + n.module + "', which the " + file +
                           " does not list");
    } else if (t.modules[n.module_index].tag != n.tag) {
      r.problems.push_back(node_label(n, static_cast<int>(i)) + ": tag '" + n.tag + "' but the " + file +
                           " gives module '" + t.label(n.module_index) + "' the tag '" + t.modules[n.module_index].tag +
                           "'");
    }
  }
}

}  // namespace

std::string tag_syntax_error(const std::string& tag) {
  if (tag.empty()) return "it is empty";
  if (tag[0] != '/') return "it does not start with '/'";
  size_t start = 1;
  for (;;) {
    size_t end = tag.find('/', start);
    std::string why = segment_error(tag.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (!why.empty()) return why;
    if (end == std::string::npos) return "";
    start = end + 1;
  }
}

ValidationReport validate_tags(const TaggedModel& t) {
  ValidationReport r;
  r.nodes = static_cast<int>(t.nodes.size());
  r.modules = static_cast<int>(t.modules.size());
  try {
    onnx::checker::check_model(t.model);
  } catch (const std::exception& e) {
    std::string why = e.what();  // the checker's message spans lines; a problem is one line
    std::replace(why.begin(), why.end(), '\n', ' ');
    r.problems.push_back("ONNX's checker rejects '" + t.onnx_path + "': " + why);
  }
  check_nodes(t, r);
  for (auto& p : external_data_problems(t.model, t.onnx_path)) r.problems.push_back(p);
  if (!t.sidecar_error.empty()) {
    r.problems.push_back(t.sidecar_error);
  } else if (!t.sidecar) {
    r.problems.push_back("no sidecar: expected '" + t.sidecar_path + "' beside the ONNX file");
  } else {
    r.has_sidecar = true;
    check_sidecar(t, *t.sidecar, r);
  }
  return r;
}

}  // namespace mx
