// The interpreter's view of lists and dicts that a called graph grows: a submodule that
// appends to the list its caller passed (feats.append(y)) or stores into its dict changes
// the caller's object, so the caller's IR value must name the grown value afterwards, as
// append_item and set_dict_item make the callee's own IR value do (see interpreter.h).
#include "torch/interpreter.h"

namespace mx {

namespace jit = torch::jit;

namespace {

// True for an argument of the graph that `v` belongs to: a value its caller holds too.
bool is_graph_input(const jit::Value* v) { return v->node() == v->owningGraph()->block()->param_node(); }

}  // namespace

void Interpreter::note_growth(const jit::Value* container, int64_t before, int64_t after) {
  // A list stored on a module (self.pyramid = [x]; self.pyramid.append(y)): the module's
  // attribute is the grown list from here on, for every later read of it.
  for (auto& slot : attrs_)
    if (slot.second == before) slot.second = pin(after);
  if (!is_graph_input(container)) return;
  grown_[before] = pin(after);  // held until the caller has bound it (carry_growth)
}

void Interpreter::carry_growth(jit::Node* call, const std::vector<int64_t>& args, size_t first_input, ValueMap& ids) {
  for (size_t k = 0; k < args.size(); ++k) {
    std::vector<int64_t> chain;  // the values the argument went through, first to last
    int64_t now = args[k];
    for (auto it = grown_.find(now); it != grown_.end(); it = grown_.find(now)) {
      chain.push_back(now);
      now = it->second;
    }
    if (chain.empty()) continue;
    const jit::Value* v = call->input(first_input + k);
    bind_value(ids, v, now);
    if (is_graph_input(v)) continue;  // this graph's caller holds the container too: it binds it then
    for (auto before : chain) {
      int64_t after = grown_.at(before);
      grown_.erase(before);
      release(after);
    }
  }
}

}  // namespace mx
