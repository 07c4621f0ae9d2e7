// Which node of our graph an ONNX Runtime node stands for. With graph optimizations on, ORT
// renames and fuses nodes; its profile still records names built from ours
// ("fused /pooler/dense/Gemm", "/x/MatMul/MatMulAddFusion", "<output tensor>_nchwc"), and the
// optimized graph that ORT can save (optimized_model_filepath) connects the rest
// ("Gelu_token_18", "gemm_input_reshape") to our tensors.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace mx {

enum class MatchRule { none, name, fused_name, tensor_name, ort_graph };
const char* match_rule_name(MatchRule rule);  // "name", "fused_name", ...

struct NodeMatch {
  int node = -1;  // index in our graph, -1 if none
  MatchRule rule = MatchRule::none;
};

class NodeMatcher {
 public:
  // `ort_graph` (may be null) is ORT's optimized graph of the profiled session. Both graphs
  // must outlive the matcher.
  NodeMatcher(const onnx::GraphProto& ours, const onnx::GraphProto* ort_graph);

  // The node of ours that ORT's node `ort_name` (op `op_type` as the profile records it)
  // computes, or none.
  NodeMatch match(const std::string& ort_name, const std::string& op_type) const;

  // Whether the ORT graph given has a node of that name (false without one).
  bool in_ort_graph(const std::string& ort_name) const { return ort_index_.count(ort_name) > 0; }

 private:
  NodeMatch by_name(const std::string& ort_name, const std::string& op_type) const;
  int refine_by_op(int node, const std::string& op_type) const;
  void match_ort_graph();

  const onnx::GraphProto& ours_;
  const onnx::GraphProto* ort_;
  std::unordered_map<std::string, int> node_index_, producer_;  // our node names; tensor -> producer
  std::unordered_map<std::string, int> ort_index_;
  std::vector<NodeMatch> ort_match_;  // per node of the ORT graph
};

}  // namespace mx
