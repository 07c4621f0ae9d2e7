// Liveness of IR values per block: where each value is used for the last time.
#include "torch/liveness.h"

namespace mx {

const BlockPlan& LivenessPlans::plan(torch::jit::Block* block) {
  auto [it, added] = plans_.try_emplace(block);
  if (!added) return it->second;
  BlockPlan& p = it->second;
  std::unordered_map<const torch::jit::Node*, size_t> position;
  for (auto* n : block->nodes()) position.emplace(n, position.size());
  auto own = [&](const torch::jit::Value* v, const torch::jit::Node* defined_by) {
    const torch::jit::Node* last = defined_by;
    bool at_end = defined_by == nullptr;  // an unused block input lives to the end
    for (const auto& use : v->uses()) {
      const torch::jit::Node* user = use.user;
      while (user->owningBlock() != block) user = user->owningBlock()->owningNode();
      if (user == block->return_node()) {
        at_end = true;
        break;
      }
      if (last == nullptr || position.at(user) > position.at(last)) last = user;
      at_end = false;
    }
    if (at_end)
      p.release_at_end.push_back(v);
    else
      p.release_after[last].push_back(v);
  };
  for (auto* v : block->inputs()) own(v, nullptr);
  for (auto* n : block->nodes())
    for (auto* v : n->outputs()) own(v, n);
  return p;
}

}  // namespace mx
