// The interpreter's view through containers: an item taken out of a list, tuple or dict
// of traced values (xs[0], feats["image"], feats.values()) is that value itself, not a new
// one, so that a forward taking List[Tensor] or Dict[str, Tensor] converts like one taking
// the tensors (see interpreter.h).
#include <unordered_map>

#include "torch/interpreter.h"
#include "torch/value_capture.h"

namespace mx {

namespace jit = torch::jit;

bool holds_tensors(const c10::IValue& iv) {
  if (!(iv.isList() || iv.isTuple()) || iv.isIntList() || iv.isDoubleList() || iv.isBoolList()) return false;
  for (const auto& item : container_items(iv))
    if (!item.isTensor() && !holds_tensors(item)) return false;
  return true;
}

namespace {

// The object an item is: a tensor by its TensorImpl, a list, tuple or dict by its pointer
// (null for anything else: numbers, strings, None).
const void* identity(const c10::IValue& iv) {
  if (iv.isTensor()) return iv.toTensor().unsafeGetTensorImpl();
  if (iv.isList() || iv.isTuple() || iv.isGenericDict()) return iv.internalToPointer();
  return nullptr;
}

}  // namespace

// True (outputs bound, nothing recorded) when `node` takes no tensor of its own and every
// tensor, list or dict it returned, alone or in a list, is an item of one of its container
// inputs (xs[i] of a List[List[Tensor]] is the inner list's value itself).
bool Interpreter::bind_items(jit::Node* node, const std::vector<int64_t>& inputs, const jit::Stack& outputs,
                             ValueMap& ids) {
  std::unordered_map<const void*, int64_t> items;
  for (auto in : inputs) {
    if (rt_[in].isTensor()) return false;
    for (auto e : trace_.values[in].elements)
      if (const void* key = identity(rt_[e])) items.emplace(key, e);
  }
  if (items.empty()) return false;
  auto item = [&](const c10::IValue& iv) -> int64_t {
    auto it = items.find(identity(iv));
    return it == items.end() || !it->first ? -1 : it->second;
  };
  std::vector<int64_t> whole(outputs.size(), -1);
  std::vector<std::vector<int64_t>> found(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& out = outputs[i];
    if ((whole[i] = item(out)) >= 0) continue;
    if (!out.isList() || out.isIntList() || out.isDoubleList() || out.isBoolList()) return false;
    for (const auto& e : out.toListRef()) found[i].push_back(item(e));
    for (auto id : found[i])
      if (id < 0) return false;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (whole[i] >= 0) {
      bind_value(ids, node->output(i), whole[i]);
      continue;
    }
    bind_value(ids, node->output(i), new_list(outputs[i], node->output(i)->debugName(), found[i]));
  }
  return true;
}

// The items of list or tuple `id`: its element values, or, for a list the trace keeps as one
// leaf (int, float and bool lists: a scripted `n, c, h, w = x.shape` unpacks aten::size's
// int[]), new values of its items, produced where the list was, as new_value makes the items
// of other containers. They become the list's elements: with --dynamic, the analysis marks
// the items of a list of sizes that change, and the graph takes those out of it (convert.cpp).
std::vector<int64_t> Interpreter::items_of(int64_t id) {
  if (!trace_.values[id].elements.empty() || !(rt_[id].isList() || rt_[id].isTuple()))
    return trace_.values[id].elements;
  const int64_t producer = trace_.values[id].producer;
  std::vector<int64_t> out;
  for (const auto& item : container_items(rt_[id])) {
    out.push_back(new_value(item, nullptr, producer));
    from_data_[out.back()] = from_data_[id];  // x.tolist()'s numbers follow the input's values
  }
  set_elements(id, out);
  return out;
}

// A list value `iv` of the traced values `elements`.
int64_t Interpreter::new_list(const c10::IValue& iv, const std::string& name, const std::vector<int64_t>& elements) {
  Value list;
  list.kind = Value::Kind::List;
  list.debug_name = name;
  auto id = static_cast<int64_t>(trace_.values.size());
  trace_.values.push_back(std::move(list));
  rt_.push_back(iv);
  refs_.push_back(0);
  from_data_.push_back(false);
  set_elements(id, elements);
  return id;
}

// A tensor appended to a list (a scripted `outputs.append(y)`): the list's newest version
// is, from here on, a new list value of the old elements and the item, so that its later readers
// (torch.stack) see every item and earlier readers keep the items they saw. False for lists
// of numbers, which the tracer runs on known values.
bool Interpreter::append_item(jit::Node* node, ValueMap& ids) {
  int64_t list = ids.at(node->input(0)), item = ids.at(node->input(1));
  const auto& l = rt_[list];
  if (!l.isList() || l.isIntList() || l.isDoubleList() || l.isBoolList() || !rt_[item].isTensor()) return false;
  l.toList().push_back(rt_[item]);  // the runtime list itself, as LibTorch's append does
  auto elements = trace_.values[list].elements;
  elements.push_back(item);
  int64_t now = new_list(l, trace_.values[list].debug_name, elements);
  from_data_[now] = from_data_[list] || from_data_[item];
  note_version(now);
  bind_value(ids, node->output(), now);
  return true;
}

// A tensor stored in a dict (a scripted `result["out"] = x`, as torchvision's segmentation
// models build their output): as for append_item, the dict's newest version is from here on a
// new value whose elements are the dict's values in order, the item in its key's place.
bool Interpreter::set_dict_item(jit::Node* node, ValueMap& ids) {
  int64_t dict = ids.at(node->input(0)), item = ids.at(node->input(2));
  const auto& d = rt_[dict];
  if (!d.isGenericDict() || !rt_[item].isTensor()) return false;
  auto runtime = d.toGenericDict();
  const auto& key = rt_[ids.at(node->input(1))];
  auto elements = trace_.values[dict].elements;
  auto found = runtime.find(key);
  if (found != runtime.end()) {
    elements.at(std::distance(runtime.begin(), found)) = item;
  } else {
    elements.push_back(item);
  }
  runtime.insert_or_assign(key, rt_[item]);  // the runtime dict itself, as LibTorch's op does
  int64_t now = new_list(d, trace_.values[dict].debug_name, elements);
  trace_.values[now].kind = Value::Kind::Tuple;  // new_value's kind for a dict
  from_data_[now] = from_data_[dict] || from_data_[item];
  note_version(now);
  return true;
}

}  // namespace mx
