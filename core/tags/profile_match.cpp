// Matching ORT's node names to ours: exact names first, then our node or tensor names inside
// ORT's, then (with ORT's optimized graph) through the tensors its nodes read and write.
#include "tags/profile_match.h"

#include <string_view>

namespace mx {
namespace {

// The longest key of `index` that occurs in `s` starting at its start or at a '/', or "".
std::string_view longest_inside(const std::string& s, const std::unordered_map<std::string, int>& index) {
  std::string_view best;
  for (size_t start = 0; start < s.size(); ++start) {
    if (start > 0 && s[start] != '/') continue;
    for (size_t end = s.size(); end > start + best.size(); --end) {
      std::string_view cut(s.data() + start, end - start);
      if (index.count(std::string(cut))) {
        best = cut;
        break;
      }
    }
  }
  return best;
}

}  // namespace

const char* match_rule_name(MatchRule rule) {
  switch (rule) {
    case MatchRule::name: return "name";
    case MatchRule::fused_name: return "fused_name";
    case MatchRule::tensor_name: return "tensor_name";
    case MatchRule::ort_graph: return "ort_graph";
    case MatchRule::none: break;
  }
  return "none";
}

NodeMatcher::NodeMatcher(const onnx::GraphProto& ours, const onnx::GraphProto* ort_graph)
    : ours_(ours), ort_(ort_graph) {
  for (int n = 0; n < ours.node_size(); ++n) {
    node_index_.emplace(ours.node(n).name(), n);
    for (const auto& out : ours.node(n).output())
      if (!out.empty()) producer_.emplace(out, n);
  }
  if (ort_) match_ort_graph();
}

// A fused node is named after its last node's output but computes mostly its first one's op
// (Conv + Relu is "<relu output>_nchwc", op Conv): walk back a few producers to that op.
int NodeMatcher::refine_by_op(int node, const std::string& op_type) const {
  std::string op = op_type.rfind("Fused", 0) == 0 ? op_type.substr(5) : op_type;
  for (int n = node, step = 0; n >= 0 && step < 4; ++step) {
    const auto& proto = ours_.node(n);
    if (proto.op_type() == op) return n;
    if (proto.input_size() == 0) break;
    auto it = producer_.find(proto.input(0));
    n = it == producer_.end() ? -1 : it->second;
  }
  return node;
}

NodeMatch NodeMatcher::by_name(const std::string& ort_name, const std::string& op_type) const {
  if (auto it = node_index_.find(ort_name); it != node_index_.end()) return {it->second, MatchRule::name};
  std::string_view node = longest_inside(ort_name, node_index_);
  std::string_view tensor = longest_inside(ort_name, producer_);
  // Tensor names extend node names ("/relu/Relu_output_0"), so the longer one is meant.
  if (!tensor.empty() && tensor.size() > node.size())
    return {refine_by_op(producer_.at(std::string(tensor)), op_type), MatchRule::tensor_name};
  if (!node.empty()) return {node_index_.at(std::string(node)), MatchRule::fused_name};
  return {};
}

// Nodes ORT made up ("Gelu_token_18", "gemm_input_reshape"): the producer of one of our
// tensors they write; else the node their output feeds; else the one that feeds them.
void NodeMatcher::match_ort_graph() {
  const int count = ort_->node_size();
  ort_match_.resize(count);
  std::unordered_map<std::string, int> ort_producer;
  std::unordered_map<std::string, std::vector<int>> ort_consumers;
  for (int i = 0; i < count; ++i) {
    const auto& n = ort_->node(i);
    ort_index_.emplace(n.name(), i);
    for (const auto& out : n.output()) ort_producer.emplace(out, i);
    for (const auto& in : n.input()) ort_consumers[in].push_back(i);
    ort_match_[i] = by_name(n.name(), n.op_type());
    if (ort_match_[i].node >= 0) continue;
    for (const auto& out : n.output())
      if (auto it = producer_.find(out); it != producer_.end()) {
        ort_match_[i] = {refine_by_op(it->second, n.op_type()), MatchRule::ort_graph};
        break;
      }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < count; ++i) {
      if (ort_match_[i].node >= 0) continue;
      const auto& n = ort_->node(i);
      int found = -1;
      for (const auto& out : n.output())
        for (int c : ort_consumers[out])
          if (found < 0 && ort_match_[c].node >= 0) found = ort_match_[c].node;
      for (const auto& in : n.input())
        if (auto it = ort_producer.find(in); found < 0 && it != ort_producer.end() && ort_match_[it->second].node >= 0)
          found = ort_match_[it->second].node;
      if (found >= 0) ort_match_[i] = {found, MatchRule::ort_graph}, changed = true;
    }
  }
}

NodeMatch NodeMatcher::match(const std::string& ort_name, const std::string& op_type) const {
  if (auto it = ort_index_.find(ort_name); it != ort_index_.end()) return ort_match_[it->second];
  return by_name(ort_name, op_type);
}

}  // namespace mx
