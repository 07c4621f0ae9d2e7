// Trace rules: kept lookups and the part entries of fused ops (see trace_rules.h).
#include "model/trace_rules.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace mx {

namespace {

bool is_parameter(const Trace& trace, const TraceEntry& entry, size_t i) {
  return i < entry.inputs.size() && !trace.values[entry.inputs[i]].param_name.empty();
}

bool is_tensor(const Trace& trace, const TraceEntry& entry, size_t i) {
  return i < entry.inputs.size() && trace.values[entry.inputs[i]].kind == Value::Kind::Tensor;
}

}  // namespace

bool keeps_parameter_op(const Trace& trace, const TraceEntry& entry) {
  static const std::set<std::string> kWeightSecond{
      "aten::linear",           "aten::_convolution",     "aten::convolution",      "aten::conv1d",
      "aten::conv2d",           "aten::conv3d",           "aten::conv_transpose1d", "aten::conv_transpose2d",
      "aten::conv_transpose3d", "aten::_convolution_mode", "aten::conv_tbc"};
  if (entry.op == "aten::embedding") return is_parameter(trace, entry, 0);
  if (kWeightSecond.count(entry.op))
    return is_parameter(trace, entry, 1) && is_tensor(trace, entry, 0) && !is_parameter(trace, entry, 0);
  if (entry.op == "aten::matmul" || entry.op == "aten::mm")  // either side may be the weight
    return is_tensor(trace, entry, 0) && is_tensor(trace, entry, 1) &&
           is_parameter(trace, entry, 0) != is_parameter(trace, entry, 1);
  return false;
}

namespace {

// The module whose part a parameter of `owner` belongs to: nn.MultiheadAttention never calls
// its out_proj (the unfused path reads the weight in the attention's own forward, and
// torch.onnx.export scopes the product there), so out_proj's parameters stay with it.
int64_t calling_module(const Trace& trace, int64_t owner) {
  while (owner >= 0 &&
         trace.modules[owner].qualified_class == "torch.nn.modules.linear.NonDynamicallyQuantizableLinear")
    owner = trace.modules[owner].parent;
  return owner;
}

}  // namespace

void add_part_entries(Trace& trace, int64_t index) {
  static const std::set<std::string> kFusedOps{"aten::_native_multi_head_attention",
                                               "aten::_transformer_encoder_layer_fwd"};
  if (!kFusedOps.count(trace.entries[index].op)) return;
  const TraceEntry fused = trace.entries[index];
  std::map<int64_t, size_t> part_of_module;  // owner module -> index in trace.entries
  for (auto in : fused.inputs) {
    if (trace.values[in].param_name.empty()) continue;
    int64_t owner = calling_module(trace, trace.values[in].owner_module);
    if (owner < 0 || owner == fused.module()) continue;
    std::vector<int64_t> chain;  // owner up to (not including) the op's module
    for (int64_t m = owner; m >= 0 && m != fused.module(); m = trace.modules[m].parent) chain.push_back(m);
    if (chain.empty() || trace.modules[chain.back()].parent != fused.module()) continue;  // not below it
    auto [it, fresh] = part_of_module.emplace(owner, trace.entries.size());
    if (fresh) {
      TraceEntry part;
      part.op = fused.op;
      part.overload = fused.overload;
      part.module_stack = fused.module_stack;
      part.module_stack.insert(part.module_stack.end(), chain.rbegin(), chain.rend());
      part.part_of = index;
      trace.entries.push_back(std::move(part));
    }
    trace.entries[it->second].inputs.push_back(in);
  }
}

}  // namespace mx
