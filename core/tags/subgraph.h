// Cutting a set of nodes out of an ONNX graph as a standalone, runnable model.
#pragma once

#include <onnx/onnx_pb.h>

#include <map>
#include <string>
#include <vector>

namespace mx {

struct Subgraph {
  onnx::ModelProto model;
  std::vector<std::string> inputs, outputs;  // graph input and output names, in order
  int nodes = 0, initializers = 0;
  int regions = 0;  // weakly connected parts of the selected nodes (1 = one connected region)
};

class SubgraphExtractor {
 public:
  // Takes the whole model; runs ONNX shape inference once so that tensors at any cut have
  // a type.
  explicit SubgraphExtractor(onnx::ModelProto full);

  // The model made of exactly `nodes` (indexes into the graph, any order):
  //  - inputs: tensors consumed by those nodes and produced by other nodes or graph inputs;
  //  - initializers they use stay initializers, and so do outputs of Constant nodes outside;
  //  - outputs: tensors they produce that other nodes use, or that are graph outputs;
  //  - nodes in topological order (stable: ties keep graph order), metadata kept.
  // Throws mx::Error if the nodes produce nothing used outside or a boundary tensor has no
  // known type.
  Subgraph extract(const std::vector<int>& nodes, const std::string& graph_name) const;

  const onnx::ModelProto& model() const { return full_; }

 private:
  // The type of boundary tensor `name`; throws mx::Error naming its role if unknown.
  const onnx::ValueInfoProto& type_of(const std::string& name, const char* role, const std::string& graph_name) const;
  // The selected nodes in topological order (stable); joins connected ones in `region`.
  std::vector<int> topological_order(const std::vector<int>& nodes, const std::vector<char>& inside,
                                     std::vector<int>& region, const std::string& graph_name) const;
  // Copies the nodes in `order`, and the inputs and initializers they read from outside.
  void add_nodes_and_inputs(const std::vector<int>& order, const std::vector<char>& inside, Subgraph& s) const;
  // Declares what the nodes produce for use outside as outputs; the rest as value_info.
  void add_outputs(const std::vector<int>& order, const std::vector<char>& inside, Subgraph& s) const;

  onnx::ModelProto full_;
  std::map<std::string, const onnx::ValueInfoProto*> types_;
  std::map<std::string, int> producer_;
  std::map<std::string, std::vector<int>> consumers_;
  std::map<std::string, const onnx::TensorProto*> initializers_;
  std::vector<std::vector<std::string>> node_inputs_;  // explicit and outer-scope inputs
};

}  // namespace mx
