// Which traced tensors a write through an alias changed (see write_tracker.h).
#include "torch/write_tracker.h"

namespace mx {
namespace {

// The memory block a tensor reads, or null for values without one (numbers, lists, ...).
const void* storage_of(const c10::IValue& iv) {
  if (!iv.isTensor()) return nullptr;
  const auto& t = iv.toTensor();
  return t.defined() && t.has_storage() ? t.storage().unsafeGetStorageImpl() : nullptr;
}

}  // namespace

const void* WriteTracker::memory_of(const c10::IValue& iv) const {
  const void* s = storage_of(iv);
  auto it = stand_ins_.find(s);
  return it == stand_ins_.end() ? s : it->second.second;
}

void WriteTracker::same_memory(const at::Tensor& copy, const at::Tensor& original) {
  const void* c = storage_of(c10::IValue(copy));
  const void* o = memory_of(c10::IValue(original));
  if (c && o) stand_ins_.emplace(c, std::make_pair(copy.storage(), o));
}

void WriteTracker::produced(int64_t id, const c10::IValue& iv) {
  if (id >= static_cast<int64_t>(seen_.size())) seen_.resize(id + 1);
  Seen s;
  s.storage = memory_of(iv);
  if (auto it = writes_.find(s.storage); s.storage && it != writes_.end()) s.generation = it->second.generation;
  seen_[id] = s;
}

void WriteTracker::wrote(const at::Tensor& t, const std::string& op, const std::string& module, bool dynamic) {
  const void* storage = memory_of(c10::IValue(t));
  if (!storage) return;
  auto& w = writes_[storage];
  w.generation++;
  w.dynamic = w.dynamic || dynamic;
  w.op = op;
  w.module = module;
}

const WriteTracker::Write* WriteTracker::stale(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(seen_.size()) || !seen_[id].storage) return nullptr;
  auto it = writes_.find(seen_[id].storage);
  return it != writes_.end() && it->second.generation > seen_[id].generation ? &it->second : nullptr;
}

}  // namespace mx

namespace mx {

bool reads_metadata_only(const std::string& op) {
  return op == "aten::size" || op == "aten::dim" || op == "aten::numel" || op == "prim::device" ||
         op == "prim::dtype" || op == "prim::layout";
}

std::string stale_read_message(const std::string& reader, const std::string& module, const std::string& name,
                               const WriteTracker::Write& write) {
  return "in-place write " + write.op + " in module '" + write.module + "' changes tensor " +
         (name.empty() ? "" : "'" + name + "' ") + "through a view of it, and " + reader + " in module '" + module +
         "' reads it afterwards: modelexport does not export a write through a view that depends on the "
         "inputs or lands in a tensor computed from them (write into the tensor itself, e.g. with torch.where or index_put, or clone the view first)";
}

}  // namespace mx
