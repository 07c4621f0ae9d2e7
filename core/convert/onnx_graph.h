// Builds the ONNX graph: unique PyTorch-style node names, value names, initializers, and
// for every node the trace entry it came from.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "convert/converted_model.h"
#include "model/dynamic_marks.h"
#include "model/trace.h"

namespace mx {

class GraphBuilder {
 public:
  // `dynamic`: what depends on dynamic axes (empty for a static export); both outlive this.
  GraphBuilder(const Trace& trace, const DynamicMarks& dynamic, int opset);

  const Trace& trace() const { return trace_; }
  const DynamicMarks& dynamic() const { return dynamic_; }
  int opset() const { return opset_; }
  onnx::GraphProto& graph() { return *model_.model.mutable_graph(); }

  // Adds a node; names it after the entry's module scope ("/layer1/layer1.0/conv1/Conv").
  onnx::NodeProto* add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs, NodeOrigin origin);
  // A fresh value name in the scope of trace entry `entry` (-1: graph level).
  std::string fresh_name(int64_t entry, const std::string& hint);

  // The ONNX name of trace value `id`; constant tensors become initializers on first use.
  // Empty if the value has no ONNX name yet.
  std::string name_of(int64_t id);
  // Records that trace value `id` is ONNX value `name`. If `id` is a graph output, the
  // producing node's output is renamed to the output's name (or an Identity is added).
  void bind(int64_t id, const std::string& name, int64_t entry);

  std::string add_initializer(const std::string& name, const TensorData& data, int64_t owner);
  // Reserves graph input and output names; call before converting entries.
  void declare_inputs_and_outputs(const std::vector<std::string>& output_names);

  // Adds graph outputs (with Identity nodes where a value cannot be renamed) and opset.
  ConvertedModel finish(const std::vector<std::string>& output_names);

 private:
  std::string scope_of(int64_t entry) const;

  const Trace& trace_;
  const DynamicMarks& dynamic_;
  int opset_;
  ConvertedModel model_;
  std::unordered_map<int64_t, std::string> names_;         // trace value -> ONNX name
  std::unordered_map<int64_t, std::string> output_names_;  // graph outputs -> reserved name
  std::unordered_map<std::string, int> node_name_counts_;
  std::unordered_set<std::string> value_names_;
  std::unordered_map<std::string, int> next_fresh_index_;  // fresh_name: base -> first index not yet tried
};

}  // namespace mx
