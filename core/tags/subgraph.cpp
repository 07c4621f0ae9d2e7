// Subgraph extraction. Types at the cut come from ONNX shape inference on the whole model;
// Constant nodes outside become initializers so that a cut never asks for a constant input.
#include "tags/subgraph.h"

#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <numeric>
#include <queue>
#include <set>

#include "base/error.h"
#include "onnx_io/node_inputs.h"

namespace mx {
namespace {

const onnx::TensorProto* constant_value(const onnx::NodeProto& node) {
  if (node.op_type() != "Constant" || !node.domain().empty() || node.input_size() != 0) return nullptr;
  for (const auto& attr : node.attribute())
    if (attr.name() == "value" && attr.has_t()) return &attr.t();
  return nullptr;
}

int find_root(std::vector<int>& parent, int x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

}  // namespace

SubgraphExtractor::SubgraphExtractor(onnx::ModelProto full) : full_(std::move(full)) {
  onnx::ShapeInferenceOptions options{false, 0, true};  // no type checks, errors ignored, data propagation
  try {
    onnx::shape_inference::InferShapes(full_, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception&) {
    // Types we cannot infer are reported at the cut that needs them.
  }
  const auto& g = full_.graph();
  for (const auto& v : g.value_info()) types_[v.name()] = &v;
  for (const auto& v : g.output()) types_[v.name()] = &v;
  for (const auto& v : g.input()) types_[v.name()] = &v;
  for (const auto& init : g.initializer()) initializers_[init.name()] = &init;
  node_inputs_.resize(g.node_size());
  for (int n = 0; n < g.node_size(); ++n) {
    node_inputs_[n] = node_inputs(g.node(n));
    for (const auto& in : node_inputs_[n]) consumers_[in].push_back(n);
    for (const auto& out : g.node(n).output())
      if (!out.empty()) producer_[out] = n;
  }
}

const onnx::ValueInfoProto& SubgraphExtractor::type_of(const std::string& name, const char* role,
                                                        const std::string& graph_name) const {
  auto it = types_.find(name);
  if (it == types_.end() || !it->second->has_type())
    throw Error("cannot extract " + graph_name + ": the type of " + role + " tensor '" + name +
                "' is unknown (ONNX shape inference gives none)");
  return *it->second;
}

std::vector<int> SubgraphExtractor::topological_order(const std::vector<int>& nodes, const std::vector<char>& inside,
                                                      std::vector<int>& region, const std::string& graph_name) const {
  const auto& g = full_.graph();
  // Ties keep graph order.
  std::map<int, int> pending;  // node -> selected producers not yet placed
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  std::vector<int> sorted_nodes(nodes);
  std::sort(sorted_nodes.begin(), sorted_nodes.end());
  sorted_nodes.erase(std::unique(sorted_nodes.begin(), sorted_nodes.end()), sorted_nodes.end());
  for (int n : sorted_nodes) {
    std::set<int> producers;
    for (const auto& in : node_inputs_[n])
      if (auto it = producer_.find(in); it != producer_.end() && inside[it->second] && it->second != n)
        producers.insert(it->second);
    pending[n] = static_cast<int>(producers.size());
    if (producers.empty()) ready.push(n);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    int n = ready.top();
    ready.pop();
    order.push_back(n);
    for (const auto& o : g.node(n).output()) {
      auto it = consumers_.find(o);
      if (o.empty() || it == consumers_.end()) continue;
      std::set<int> once(it->second.begin(), it->second.end());
      for (int c : once) {
        if (!inside[c] || c == n) continue;
        region[find_root(region, c)] = find_root(region, n);
        if (--pending[c] == 0) ready.push(c);
      }
    }
  }
  if (order.size() != sorted_nodes.size()) throw Error("cannot extract " + graph_name + ": its nodes form a cycle");
  return order;
}

void SubgraphExtractor::add_nodes_and_inputs(const std::vector<int>& order, const std::vector<char>& inside,
                                             Subgraph& s) const {
  const auto& g = full_.graph();
  auto* out = s.model.mutable_graph();
  std::set<std::string> seen_inputs, seen_inits;
  for (int n : order) {
    *out->add_node() = g.node(n);
    for (const auto& in : node_inputs_[n]) {
      auto p = producer_.find(in);
      if (p != producer_.end() && inside[p->second]) continue;
      if (auto it = initializers_.find(in); it != initializers_.end() && p == producer_.end()) {
        if (seen_inits.insert(in).second) *out->add_initializer() = *it->second;
        continue;
      }
      if (p != producer_.end()) {
        if (const auto* value = constant_value(g.node(p->second))) {
          if (seen_inits.insert(in).second) {
            auto* init = out->add_initializer();
            *init = *value;
            init->set_name(in);
          }
          continue;
        }
      }
      if (seen_inputs.insert(in).second) {
        *out->add_input() = type_of(in, "input", out->name());
        s.inputs.push_back(in);
      }
    }
  }
}

void SubgraphExtractor::add_outputs(const std::vector<int>& order, const std::vector<char>& inside, Subgraph& s) const {
  const auto& g = full_.graph();
  auto* out = s.model.mutable_graph();
  std::set<std::string> graph_outputs;
  for (const auto& o : g.output()) graph_outputs.insert(o.name());
  for (int n : order) {
    for (const auto& o : g.node(n).output()) {
      if (o.empty()) continue;
      bool used_outside = graph_outputs.count(o) > 0;
      if (auto it = consumers_.find(o); it != consumers_.end())
        for (int c : it->second) used_outside = used_outside || !inside[c];
      if (!used_outside) {
        if (auto it = types_.find(o); it != types_.end() && !graph_outputs.count(o))
          *out->add_value_info() = *it->second;
        continue;
      }
      *out->add_output() = type_of(o, "output", out->name());
      s.outputs.push_back(o);
    }
  }
  if (s.outputs.empty())
    throw Error("cannot extract " + out->name() + ": its nodes produce nothing that is used outside them");
}

Subgraph SubgraphExtractor::extract(const std::vector<int>& nodes, const std::string& graph_name) const {
  const auto& g = full_.graph();
  std::vector<char> inside(g.node_size(), 0);
  for (int n : nodes) inside[n] = 1;

  Subgraph s;
  s.model.set_ir_version(full_.ir_version());
  *s.model.mutable_opset_import() = full_.opset_import();
  *s.model.mutable_functions() = full_.functions();
  *s.model.mutable_metadata_props() = full_.metadata_props();
  s.model.set_producer_name("modelexport extract");
  s.model.mutable_graph()->set_name(graph_name);

  std::vector<int> region(g.node_size());  // union-find over selected nodes joined by a tensor
  std::iota(region.begin(), region.end(), 0);
  std::vector<int> order = topological_order(nodes, inside, region, graph_name);
  add_nodes_and_inputs(order, inside, s);
  add_outputs(order, inside, s);
  std::set<int> roots;
  for (int n : order) roots.insert(find_root(region, n));
  s.nodes = static_cast<int>(order.size());
  s.initializers = s.model.graph().initializer_size();
  s.regions = static_cast<int>(roots.size());
  return s;
}

}  // namespace mx
