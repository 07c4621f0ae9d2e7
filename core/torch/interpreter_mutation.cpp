// The interpreter's view of lists and dicts that ops change in place (xs.extend(ys),
// xs.pop(), xs[i] = t, d.update(e), ...). Each change makes a new value of the object's
// traced items and notes it as the object's newest version (note_version): every later read
// of the object, by the name it changed through, another name, a submodule's caller (a
// submodule that appends to the list its caller passed, feats.append(y)) or a module
// attribute, is brought to it (interpreter_aliases.cpp).
#include "base/error.h"
#include "torch/interpreter.h"
#include "torch/op_call.h"
#include "torch/tensor_bridge.h"
#include "torch/value_capture.h"

namespace mx {

namespace jit = torch::jit;

namespace {

bool holds_numbers(const c10::IValue& v) { return v.isIntList() || v.isDoubleList() || v.isBoolList(); }

// The argument types whose items a list or dict op moves: t (an item), t[] and Dict(K, t).
bool moves_items(const c10::TypePtr& formal) {
  if (formal->kind() == c10::TypeKind::VarType) return true;
  if (auto l = formal->cast<c10::ListType>()) return l->getElementType()->kind() == c10::TypeKind::VarType;
  if (auto d = formal->cast<c10::DictType>()) return d->getValueType()->kind() == c10::TypeKind::VarType;
  return false;
}

// The same object: a tensor by its TensorImpl (a view shares storage, not identity), a
// number or string by its value, a list, tuple or dict by its pointer.
bool same_item(const c10::IValue& a, const c10::IValue& b) {
  if (a.isTensor() || b.isTensor())
    return a.isTensor() && b.isTensor() && a.toTensor().unsafeGetTensorImpl() == b.toTensor().unsafeGetTensorImpl();
  if (a.isString() && b.isString()) return a.toStringRef() == b.toStringRef();
  return a.isSameIdentity(b);
}

}  // namespace

// `id` as the op sees it through formal type `formal` in its shadow run: an item (t) is its
// value id; a list (t[]) or dict (Dict(K, t)) is a new one of its items' value ids. Empty
// when the trace does not know the items.
c10::IValue Interpreter::shadow_of(const c10::TypePtr& formal, int64_t id) {
  if (formal->kind() == c10::TypeKind::VarType) return c10::IValue(id);
  const auto& object = rt_[id];
  if (formal->cast<c10::ListType>() && object.isList()) {
    c10::List<int64_t> ids;
    for (auto e : items_of(id)) ids.push_back(e);
    return ids;
  }
  const auto& elements = trace_.values[id].elements;
  if (!object.isGenericDict() || elements.size() != object.toGenericDict().size()) return c10::IValue();
  c10::impl::GenericDict ids(object.toGenericDict().keyType(), c10::IntType::get());
  size_t k = 0;
  for (const auto& kv : object.toGenericDict()) ids.insert(kv.key(), elements[k++]);
  return ids;
}

// The value of list or dict `before` after an op changed it: runtime `object` holding the
// traced `elements` (a list of numbers is a leaf with its numbers, its items for --dynamic).
int64_t Interpreter::changed(const c10::IValue& object, int64_t before, const std::vector<int64_t>& elements) {
  int64_t now;
  if (holds_numbers(object)) {
    now = new_value(object, nullptr, -1);
    set_elements(now, elements);
  } else {
    now = new_list(object, "", elements);
    if (object.isGenericDict()) trace_.values[now].kind = Value::Kind::Tuple;  // new_value's kind for a dict
  }
  trace_.values[now].debug_name = trace_.values[before].debug_name;
  return now;
}

// A list or dict op that changes its argument in place (its schema marks it written, a!:
// xs.extend(ys), xs.pop(i), xs[i] = t, d.update(e), ...), for lists of numbers too. It runs
// twice, not recorded: on the runtime objects, and on shadows whose items are value ids, so
// that afterwards the object's newest value holds the traced items the object holds now, in
// order, and later readers (torch.cat, reshape) see what LibTorch sees. An op
// that moves items by their values (sort, remove), not by position or key, is refused, as
// the two runs then disagree. False for ops that write no list or dict.
bool Interpreter::mutate_container(jit::Node* node, ValueMap& ids, const Stack& stack) {
  const auto* schema = node->maybeSchema();
  if (!schema || node->kind().is_prim() || node->inputs().size() != schema->arguments().size()) return false;
  std::vector<size_t> written;
  for (size_t i = 0; i < node->inputs().size(); ++i) {
    const auto& a = schema->arguments()[i];
    const auto& object = rt_[ids.at(node->input(i))];
    if (a.alias_info() && a.alias_info()->isWrite() && (object.isList() || object.isGenericDict())) written.push_back(i);
  }
  if (written.empty()) return false;
  const std::string op = node->kind().toQualString(), module = trace_.module_label(stack.back());
  auto refuse = [&](const std::string& why) {
    return Error("model '" + trace_.model_path + "': " + op + " in module '" + module + "' (" +
                 trace_.modules[stack.back()].class_name + ") " + why);
  };
  const std::string by_value = "moves the items of a list or dict by their values, which the export cannot follow; "
                               "modelexport follows list and dict ops that move items by position or key";
  if (op == "aten::sort" || op == "aten::remove") throw refuse(by_value);
  for (const auto& r : schema->returns())
    if (r.type()->hasFreeVariables() && !moves_items(r.type()))
      throw refuse("returns items of a list or dict in a form the export does not follow (" + r.type()->str() + ")");
  jit::Stack values, shadow;
  bool data = false;
  for (size_t i = 0; i < node->inputs().size(); ++i) {
    int64_t id = ids.at(node->input(i));
    values.push_back(rt_[id]);
    const auto& formal = schema->arguments()[i].type();
    if (formal->hasFreeVariables() && !moves_items(formal)) return false;  // not a list or dict op
    shadow.push_back(moves_items(formal) ? shadow_of(formal, id) : rt_[id]);
    if (shadow.back().isNone() && !rt_[id].isNone())
      throw refuse("changes a dict whose items the trace does not follow; modelexport follows lists and dicts of "
                   "tensors, numbers and strings");
    data = data || from_data_[id];
  }
  const jit::Stack containers = shadow;  // handles of the shadows the op changes (the stack turns into its outputs)
  try {
    call_node(node, values);
    call_node(node, shadow);
  } catch (const std::exception& e) {
    throw Error("running " + op + " in module '" + module + "' failed: " + message_of(e));
  }
  // The traced values of the items the shadow `ids` holds, checked against the object's.
  auto items = [&](const c10::IValue& ids, const c10::IValue& object) {
    std::vector<int64_t> out;
    auto real = container_items(object);
    for (const auto& id : container_items(ids)) out.push_back(id.toInt());
    if (out.size() != real.size()) throw refuse(by_value);
    for (size_t k = 0; k < out.size(); ++k)
      if (!same_item(rt_[out[k]], real[k])) throw refuse(by_value);
    return out;
  };
  std::vector<int64_t> now;
  for (auto i : written) {
    const c10::IValue object = rt_[ids.at(node->input(i))];  // a handle: new values grow rt_
    now.push_back(changed(object, ids.at(node->input(i)), items(containers[i], object)));
    from_data_[now.back()] = data;
  }
  // The outputs first (xs.pop()'s item is held by the old list until the version below).
  for (size_t o = 0; o < node->outputs().size(); ++o) {
    const auto& formal = schema->returns().at(o).type();
    int64_t id = -1;
    for (size_t k = 0; k < written.size(); ++k)  // _set_item and add_ return the list itself
      if (shadow.at(o).isSameIdentity(containers[written[k]])) id = now[k];
    if (id < 0 && formal->kind() == c10::TypeKind::VarType) {
      id = shadow.at(o).toInt();
      if (!same_item(rt_[id], values.at(o))) throw refuse(by_value);
    }
    if (id < 0 && moves_items(formal)) throw refuse(by_value);
    bind_value(ids, node->output(o), id >= 0 ? id : constant(values.at(o), node->output(o)));
  }
  for (auto id : now) note_version(id);  // every later read of the object, by any name, sees it
  return true;
}

}  // namespace mx
