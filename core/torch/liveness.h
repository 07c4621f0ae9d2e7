// Liveness of IR values per block, so that the interpreter frees each runtime value after
// its last use (as LibTorch's own interpreter does) instead of holding every activation.
#pragma once

#include <torch/script.h>

#include <unordered_map>
#include <vector>

namespace mx {

struct BlockPlan {
  // Values whose last use is that node (uses inside nested blocks count for the node).
  std::unordered_map<const torch::jit::Node*, std::vector<const torch::jit::Value*>> release_after;
  std::vector<const torch::jit::Value*> release_at_end;  // read by the block's return, or never
};

// Plans made once per block and kept.
class LivenessPlans {
 public:
  const BlockPlan& plan(torch::jit::Block* block);

 private:
  std::unordered_map<const torch::jit::Block*, BlockPlan> plans_;
};

}  // namespace mx
