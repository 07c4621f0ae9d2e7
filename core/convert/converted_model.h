// The converted model: the ONNX proto plus the side tables that say where each node,
// value and initializer came from, changed only through members that keep them in step.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/trace.h"

namespace mx {

// Where an ONNX node came from.
struct NodeOrigin {
  int64_t trace_entry = -1;  // -1: not from any traced op
  bool primary = false;      // computes the op itself (not a helper the converter added)
};

// A node that a clean-up pass folded into another (see passes/fold_batchnorm.h).
struct FoldNote {
  std::string node;     // the node that disappeared
  std::string into;     // the node that now does its work
  int64_t trace_entry;  // where the disappeared node came from
};

// The converted model and the provenance of its nodes (parallel to graph().node()).
// Passes remove or rewire nodes and initializers through the members below, so that
// `origins` stays parallel and no map names a value or initializer that is gone.
struct ConvertedModel {
  onnx::ModelProto model;
  std::vector<NodeOrigin> origins;
  std::unordered_map<std::string, int64_t> initializer_owner;  // initializer -> module
  std::unordered_map<std::string, int64_t> value_ids;          // ONNX value -> trace value
  std::vector<FoldNote> folded;                                // what clean-up passes folded
  // Initializer bytes left where they are (mostly the module's own parameters, held by
  // LibTorch) instead of copied into the proto: such a TensorProto has no data field, and
  // model_io.h reads, checks and writes it with these bytes. Copying them would double the
  // peak memory of a model with large weights.
  std::unordered_map<std::string, TensorData> external_data;

  // Appends an initializer whose bytes stay in `data` (external_data); `owner` < 0: none.
  onnx::TensorProto* add_initializer(const std::string& name, const TensorData& data, int64_t owner);
  // Removes the nodes marked in `drop` (one flag per node, in graph order) with their origins.
  void remove_nodes(const std::vector<bool>& drop);
  // Removes every initializer `keep` rejects, with its owner and external bytes.
  void remove_initializers(const std::function<bool(const onnx::TensorProto&)>& keep);
  // Makes node `node`'s output `index` be `name` (taking over another node's result); the
  // value it produced before no longer exists, so it loses its trace value id.
  void replace_output(int node, int index, const std::string& name);
};

// Type and shape of `data` on `proto`, without its bytes.
void set_tensor_header(onnx::TensorProto& proto, const TensorData& data);

}  // namespace mx
