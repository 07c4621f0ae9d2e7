// The interpreter's view through containers: an item taken out of a list, tuple or dict
// of traced values (xs[0], feats["image"], feats.values()) is that value itself, not a new
// one, so that a forward taking List[Tensor] or Dict[str, Tensor] converts like one taking
// the tensors (see interpreter.h).
#include <unordered_map>

#include "torch/interpreter.h"

namespace mx {

namespace jit = torch::jit;

// True (outputs bound, nothing recorded) when `node` takes no tensor of its own and every
// tensor it returned, alone or in a list, is an item of one of its container inputs.
bool Interpreter::bind_items(jit::Node* node, const std::vector<int64_t>& inputs, const jit::Stack& outputs,
                             ValueMap& ids) {
  std::unordered_map<const c10::TensorImpl*, int64_t> items;
  for (auto in : inputs) {
    if (rt_[in].isTensor()) return false;
    for (auto e : trace_.values[in].elements)
      if (rt_[e].isTensor()) items.emplace(rt_[e].toTensor().unsafeGetTensorImpl(), e);
  }
  if (items.empty()) return false;
  auto item = [&](const c10::IValue& iv) -> int64_t {
    if (!iv.isTensor()) return -1;
    auto it = items.find(iv.toTensor().unsafeGetTensorImpl());
    return it == items.end() ? -1 : it->second;
  };
  std::vector<std::vector<int64_t>> found(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& out = outputs[i];
    if (out.isTensor()) {
      found[i].push_back(item(out));
    } else if (out.isList() && !out.isIntList() && !out.isDoubleList() && !out.isBoolList()) {
      for (const auto& e : out.toListRef()) found[i].push_back(item(e));
    } else {
      return false;
    }
    for (auto id : found[i])
      if (id < 0) return false;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].isTensor()) {
      bind_value(ids, node->output(i), found[i][0]);
      continue;
    }
    Value list;
    list.kind = Value::Kind::List;
    list.debug_name = node->output(i)->debugName();
    auto id = static_cast<int64_t>(trace_.values.size());
    trace_.values.push_back(std::move(list));
    rt_.push_back(outputs[i]);
    refs_.push_back(0);
    from_data_.push_back(false);
    set_elements(id, found[i]);
    bind_value(ids, node->output(i), id);
  }
  return true;
}

}  // namespace mx
