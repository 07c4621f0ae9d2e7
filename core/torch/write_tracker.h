// Which traced tensors an in-place write changed after the trace recorded them, because the
// write went through another value sharing their memory (a view, or the base of a view).
//
// Why: the trace is single-assignment. `z = zeros(..); z[:, 1] = 5` writes through a select
// view of z; the IR's later reads of z name the value recorded before the write, so without
// this a folded z would be exported with its old bytes (silently wrong numbers).
#pragma once

#include <torch/script.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace mx {

class WriteTracker {
 public:
  // The last write into one block of tensor memory.
  struct Write {
    int64_t generation = 0;
    bool dynamic = false;  // some write into it (this one or an earlier) depends on the inputs
    std::string op;        // "aten::fill_"
    std::string module;    // "<root>", "layer1.0"
    std::string through;   // the op that made the view written through ("aten::transpose"), if known
  };

  // Value `id` now holds `iv` (a new value, or the pre-write copy an in-place op leaves).
  void produced(int64_t id, const c10::IValue& iv);
  // In-place op `op` in `module` wrote into `t`'s memory.
  void wrote(const at::Tensor& t, const std::string& op, const std::string& module, bool dynamic,
             const std::string& through);
  // The write that changed tensor value `id`'s bytes after it was recorded, or null if none
  // did: a write into other bytes of the same memory (one chunk of LSTMCell's gates while
  // another is read) leaves it current.
  const Write* stale(int64_t id) const;
  // The bytes value `id` covered when it was recorded, or null for values without memory.
  struct Region;
  const Region* region(int64_t id) const;
  // `copy` (a meta tensor standing in for `original` in a meta trace) and its views are
  // the original's memory.
  void same_memory(const at::Tensor& copy, const at::Tensor& original);

  // The bytes a tensor covers in its storage: offset, sizes and strides in elements.
  struct Region {
    int64_t offset = 0, itemsize = 1;
    std::vector<int64_t> sizes, strides;
  };

 private:
  struct Seen {
    const void* storage = nullptr;
    int64_t generation = 0;
    Region region;
  };
  struct Written {
    Write write;
    Region region;
  };
  std::vector<Seen> seen_;                                      // by value id
  std::unordered_map<const void*, std::vector<Written>> writes_;  // by storage, oldest first
  mutable Write found_;                                         // what stale() last returned
  // Meta copies' storages (kept alive, so that their addresses are not reused) -> the
  // storage they stand for.
  std::unordered_map<const void*, std::pair<c10::Storage, const void*>> stand_ins_;
  const void* memory_of(const c10::IValue& iv) const;
};

}  // namespace mx

namespace mx {

// True for ops that read only a tensor's metadata (sizes, dtype, device), which a write
// into its memory cannot change; x.new_zeros(...) and its kin among them.
bool reads_metadata_only(const std::string& op);

// An in-place op refused on purpose (embedding_renorm_ of a max_norm embedding): `values`
// (its arguments) become its outputs, the tensors it would write, unwritten; true when so.
// Run, its write would change the model's weights for the next trace (--check, --dynamic)
// and the meta trace's copy would miss it; the export stops at the op either way.
bool skip_refused_write(torch::jit::Node* node, torch::jit::Stack& values);

// The message refusing a read, by `reader` in module `module`, of tensor `name` after
// `write` changed it through a view: the graph would see the value from before the write.
std::string stale_read_message(const std::string& reader, const std::string& module, const std::string& name,
                               const WriteTracker::Write& write);

}  // namespace mx
