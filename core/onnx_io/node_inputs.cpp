#include "onnx_io/node_inputs.h"

#include <set>

namespace mx {
namespace {

// Names a subgraph attribute reads from enclosing scopes.
void outer_names(const onnx::GraphProto& g, std::set<std::string> defined, std::vector<std::string>& out) {
  for (const auto& in : g.input()) defined.insert(in.name());
  for (const auto& init : g.initializer()) defined.insert(init.name());
  for (const auto& node : g.node()) {
    for (const auto& in : node.input())
      if (!in.empty() && !defined.count(in)) out.push_back(in);
    for (const auto& attr : node.attribute()) {
      if (attr.has_g()) outer_names(attr.g(), defined, out);
      for (const auto& sub : attr.graphs()) outer_names(sub, defined, out);
    }
    for (const auto& o : node.output()) defined.insert(o);
  }
  for (const auto& o : g.output())
    if (!defined.count(o.name())) out.push_back(o.name());
}

}  // namespace

std::vector<std::string> node_inputs(const onnx::NodeProto& node) {
  std::vector<std::string> out;
  for (const auto& in : node.input())
    if (!in.empty()) out.push_back(in);
  for (const auto& attr : node.attribute()) {
    if (attr.has_g()) outer_names(attr.g(), {}, out);
    for (const auto& sub : attr.graphs()) outer_names(sub, {}, out);
  }
  return out;
}

}  // namespace mx
