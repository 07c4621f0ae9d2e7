// Which traced tensors a write through an alias changed (see write_tracker.h).
#include "torch/write_tracker.h"

#include <algorithm>

#include "convert/op_registry.h"
#include "convert/ops/refused.h"
#include "torch/op_call.h"

namespace mx {
namespace {

// The memory block a tensor reads, or null for values without one (numbers, lists, ...).
const void* storage_of(const c10::IValue& iv) {
  if (!iv.isTensor()) return nullptr;
  const auto& t = iv.toTensor();
  return t.defined() && t.has_storage() ? t.storage().unsafeGetStorageImpl() : nullptr;
}

WriteTracker::Region region_of(const at::Tensor& t) {
  return {t.storage_offset(), static_cast<int64_t>(t.element_size()), t.sizes().vec(), t.strides().vec()};
}

// [first byte, one past the last byte) of a region; empty for a tensor with no elements.
std::pair<int64_t, int64_t> extent(const WriteTracker::Region& r) {
  int64_t last = r.offset;
  for (size_t d = 0; d < r.sizes.size(); ++d) {
    if (r.sizes[d] == 0) return {0, 0};
    last += (r.sizes[d] - 1) * r.strides[d];
  }
  return {r.offset * r.itemsize, (last + 1) * r.itemsize};
}

// The bytes of `r` as a view of a byte buffer.
at::Tensor bytes_of(const at::Tensor& buffer, const WriteTracker::Region& r) {
  std::vector<int64_t> sizes = r.sizes, strides;
  for (auto s : r.strides) strides.push_back(s * r.itemsize);
  sizes.push_back(r.itemsize);
  strides.push_back(1);
  return buffer.as_strided(sizes, strides, r.offset * r.itemsize);
}

// True when the two regions of one storage share a byte. Interleaved views (the chunks of a
// [batch, 4 * hidden] tensor) have overlapping extents without sharing bytes, so those are
// told apart byte by byte; this runs only for a read after a write into the same memory.
bool overlap(const WriteTracker::Region& a, const WriteTracker::Region& b) {
  auto [a0, a1] = extent(a);
  auto [b0, b1] = extent(b);
  if (a0 >= a1 || b0 >= b1 || a1 <= b0 || b1 <= a0) return false;
  auto buffer = at::zeros({std::max(a1, b1)}, at::kByte);
  bytes_of(buffer, a).fill_(1);
  return bytes_of(buffer, b).any().item<bool>();
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
  if (s.storage) s.region = region_of(iv.toTensor());
  if (auto it = writes_.find(s.storage); s.storage && it != writes_.end()) s.generation = it->second.back().write.generation;
  seen_[id] = s;
}

namespace {

// Ops whose converter refuses them on purpose (nn.Embedding's max_norm renormalisation):
// their writes are not tracked, so that the export stops at the op with its own reason
// rather than at a later read of the tensor it wrote.
bool refused_on_purpose(const std::string& op) {
  static const OpRegistry registry = OpRegistry::builtin();
  const OpEntry* entry = registry.find(op, 17);
  return entry && refusal_reason(entry->emit);
}

}  // namespace

bool skip_refused_write(torch::jit::Node* node, torch::jit::Stack& values) {
  if (node->outputs().empty() || !refused_on_purpose(node->kind().toQualString())) return false;
  torch::jit::Stack outputs(node->outputs().size());
  size_t found = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    int r = written_output(node, i);
    if (r >= 0 && r < static_cast<int>(outputs.size()) && outputs[r].isNone()) {
      outputs[r] = values[i];
      ++found;
    }
  }
  if (found != outputs.size()) return false;
  values = std::move(outputs);
  return true;
}

const WriteTracker::Region* WriteTracker::region(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(seen_.size()) || !seen_[id].storage) return nullptr;
  return &seen_[id].region;
}

void WriteTracker::wrote(const at::Tensor& t, const std::string& op, const std::string& module, bool dynamic,
                         const std::string& through) {
  const void* storage = memory_of(c10::IValue(t));
  if (!storage || refused_on_purpose(op)) return;
  auto& list = writes_[storage];
  int64_t generation = list.empty() ? 1 : list.back().write.generation + 1;
  list.push_back({{generation, dynamic, op, module, through}, region_of(t)});
}

const WriteTracker::Write* WriteTracker::stale(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(seen_.size()) || !seen_[id].storage) return nullptr;
  auto it = writes_.find(seen_[id].storage);
  if (it == writes_.end() || it->second.back().write.generation <= seen_[id].generation) return nullptr;
  const Written* last = nullptr;
  for (const auto& w : it->second)
    if (w.write.generation > seen_[id].generation && overlap(w.region, seen_[id].region)) last = &w;
  if (!last) return nullptr;
  bool dynamic = false;  // some write into these bytes (this one or an earlier) depends on the inputs
  for (const auto& w : it->second) dynamic = dynamic || (w.write.dynamic && overlap(w.region, seen_[id].region));
  found_ = last->write;
  found_.dynamic = dynamic;
  return &found_;
}

}  // namespace mx

namespace mx {

bool reads_metadata_only(const std::string& op) {
  return op == "aten::size" || op == "aten::dim" || op == "aten::numel" || op == "prim::device" ||
         op == "prim::dtype" || op == "prim::layout" || op == "aten::new_zeros" || op == "aten::new_ones" ||
         op == "aten::new_full" || op == "aten::new_empty";
}

std::string stale_read_message(const std::string& reader, const std::string& module, const std::string& name,
                               const WriteTracker::Write& write) {
  return "in-place write " + write.op + " in module '" + write.module + "' changes tensor " +
         (name.empty() ? "" : "'" + name + "' ") + "through a view of it" +
         (write.through.empty() ? "" : " made by " + write.through) + ", and " + reader + " in module '" + module +
         "' reads it afterwards: modelexport carries such a write back into the tensor viewed through "
         "aten::slice, aten::select and aten::narrow views only (write into the tensor itself, e.g. with "
         "torch.where or index_put, or clone the view first)";
}

}  // namespace mx
