// The interpreter's control flow: loops run trip by trip, and the check that what a
// construct tests is fixed by the example input's sizes (see interpreter.h).
#include "base/error.h"
#include "torch/control_flow.h"
#include "torch/interpreter.h"

namespace mx {

namespace jit = torch::jit;

void Interpreter::run_loop(jit::Node* node, ValueMap& ids, const Stack& stack) {
  check_specialisable(node, ids.at(node->input(0)), "trip count", stack);
  check_specialisable(node, ids.at(node->input(1)), "condition", stack);
  int64_t trips = rt_[ids.at(node->input(0))].toInt();
  bool cond = rt_[ids.at(node->input(1))].toBool();
  int64_t done = 0;
  std::vector<int64_t> tested{ids.at(node->input(0)), ids.at(node->input(1))};
  std::vector<int64_t> carried;  // held
  for (size_t i = 2; i < node->inputs().size(); ++i) carried.push_back(pin(ids.at(node->input(i))));
  auto* body = node->blocks()[0];
  for (int64_t it = 0; cond && it < trips; ++it, ++done) {
    bind_value(ids, body->inputs()[0], constant(c10::IValue(it), body->inputs()[0]));
    for (size_t i = 0; i < carried.size(); ++i) bind_value(ids, body->inputs()[i + 1], carried[i]);
    for (auto id : carried) release(id);
    auto results = run_block(body, ids, stack);
    check_specialisable(node, results[0], "condition", stack);
    cond = rt_[results[0]].toBool();
    tested.push_back(results[0]);
    release(results[0]);
    carried.assign(results.begin() + 1, results.end());
  }
  trace_.control_flow.push_back({true, construct_name(node, trace_.model_path), stack.back(), done, std::move(tested)});
  bind_results(node, carried, ids);
}

// Specialising the construct to the example input is only right when `id` is fixed by
// the example's sizes; one that follows the input's values is refused.
void Interpreter::check_specialisable(const jit::Node* node, int64_t id, const char* what, const Stack& stack) const {
  if (!from_data_[id]) return;
  int64_t m = stack.back();
  throw Error("model '" + trace_.model_path + "': the " + what + " of the " + construct_name(node, trace_.model_path) + " in module '" +
              trace_.module_label(m) + "' (" + trace_.modules[m].class_name +
              ") depends on the input's values, so the export cannot be specialised to the example input, and "
              "ONNX If/Loop are not emitted: compute it from sizes or constants, or move it out of forward");
}

// Names where the trace was when it passed the limit: the innermost loop around that node
// is the likely culprit.
void Interpreter::throw_op_limit(const jit::Node* node, const Stack& stack) const {
  const jit::Node* loop = node;
  while (loop && loop->kind() != c10::prim::Loop) loop = loop->owningBlock() ? loop->owningBlock()->owningNode() : nullptr;
  int64_t m = stack.back();
  throw Error("model '" + trace_.model_path + "': the trace ran more than " + std::to_string(max_ops_) +
              " TorchScript ops and was stopped" +
              (loop ? " in the " + construct_name(loop, trace_.model_path) : node ? std::string(" at ") + node->kind().toQualString() : "") +
              " in module '" + trace_.module_label(m) + "' (" + trace_.modules[m].class_name +
              "): a loop that does not end on this input? Give --max-ops N to allow more");
}

}  // namespace mx
