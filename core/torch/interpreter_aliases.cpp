// The interpreter's view of a list or dict changed under one name and read under another:
// `a = xs` bound in a branch, a list held in a tuple, a dict or an outer list (xs[i].append(t),
// d["k"].append(t), pair[0].append(t)), the caller's list after a submodule appended to it,
// a list stored on the module. The IR values bound to the object's value before a change
// would still name its items before it, and converters would read the old items while
// LibTorch reads the new ones. The runtime object is the one that changed, so each change is
// noted by the object's identity (note_version), and every value a node or a block's output
// reads is brought to the newest value of each object it is or holds (refresh).
#include "torch/interpreter.h"

namespace mx {

namespace jit = torch::jit;

namespace {

bool is_container(const c10::IValue& iv) { return iv.isList() || iv.isTuple() || iv.isGenericDict(); }

}  // namespace

void Interpreter::note_version(int64_t id) {
  const c10::IValue object = rt_[id];
  if (!is_container(object)) return;
  pin(id);
  auto [it, added] = versions_.emplace(object.internalToPointer(), id);
  if (added) return;
  release(it->second);
  it->second = id;
}

int64_t Interpreter::fresh(int64_t id) {
  const c10::IValue object = rt_[id];  // a handle: new values grow rt_
  if (!is_container(object)) return id;
  if (auto it = versions_.find(object.internalToPointer()); it != versions_.end()) id = it->second;
  const auto elements = trace_.values[id].elements;
  std::vector<int64_t> now;
  bool moved = false;
  for (auto e : elements) {
    now.push_back(fresh(e));
    moved = moved || now.back() != e;
  }
  if (!moved) return id;
  // A container holding a changed one (a tuple, dict or list of lists): a new value of the
  // same object whose items are the newest ones, the object's version from here on.
  int64_t copy = new_list(object, trace_.values[id].debug_name, now);
  trace_.values[copy].kind = trace_.values[id].kind;
  from_data_[copy] = from_data_[id];
  note_version(copy);
  return copy;
}

void Interpreter::refresh(ValueMap& ids, const jit::Value* v) {
  if (versions_.empty()) return;  // nothing changed in place yet: every value is its newest
  auto it = ids.find(v);
  if (it == ids.end()) return;
  int64_t now = fresh(it->second);
  if (now != it->second) bind_value(ids, v, now);
}

}  // namespace mx
