// Our interpreter of a TorchScript forward graph: runs it node by node on LibTorch's kernels
// (real ones, or, in a meta trace, the meta device's wherever no value is needed: see
// data_cone.h and meta_trace.h) and records the trace.
//
// Why an interpreter of our own instead of torch::jit::Inline + run: walking the graphs
// ourselves, we follow prim::GetAttr chains from `self`, so every op knows the exact module
// instances on its call stack (dotted paths as named_modules() spells them), and every IR
// value gets its concrete value.
#pragma once

#include <torch/script.h>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/input_spec.h"
#include "model/trace.h"
#include "model/trace_ways.h"
#include "torch/data_cone.h"
#include "torch/liveness.h"
#include "torch/module_tree.h"
#include "torch/write_tracker.h"

namespace mx {

// True for a list or tuple of tensors, or of such lists and tuples (empty ones too).
bool holds_tensors(const c10::IValue& iv);

class Interpreter {
 public:
  // Records into `trace`, whose module tree it builds from `root`.
  Interpreter(const torch::jit::Module& root, Trace& trace, bool keep_values);

  // Runs root's forward (or the overload the inputs bind to: choose_forward) on `inputs`
  // named `names` and on the constants `args`, bound to its arguments by bind_forward
  // (forward_args.h); returns the value ids of the graph's outputs.
  std::vector<int64_t> run(const torch::jit::Module& root, const std::vector<at::Tensor>& inputs,
                           const std::vector<std::string>& names, const std::vector<ArgSpec>& args);

  const c10::IValue& runtime(int64_t id) const { return rt_.at(id); }
  // The method run() played (null before it).
  const torch::jit::Function* forward() const { return forward_; }

  // Runs the ops outside `cone` that read input-derived tensors on the meta device (see
  // meta_trace.h); throws MetaAbandoned when a value it needs has no data.
  void use_meta(const DataCone* cone) {
    cone_ = cone;
    ways_.mode = "meta";
  }
  // After `n` nodes run, the trace stops with an error (TraceOptions::max_ops).
  void limit_ops(int64_t n) { max_ops_ = n; }
  const TraceWays& ways() const { return ways_; }

 private:
  using ValueMap = std::unordered_map<const torch::jit::Value*, int64_t>;
  using Stack = std::vector<int64_t>;  // module call stack, outermost first

  // One more node (or block) run; throws past the limit.
  void count_op(const torch::jit::Node* node, const Stack& stack) {
    if (max_ops_ > 0 && ++ops_run_ > max_ops_) throw_op_limit(node, stack);
  }
  [[noreturn]] void throw_op_limit(const torch::jit::Node* node, const Stack& stack) const;

  // Reference counts (refs_) per value id: IR values bound to it in a running graph, the
  // list or tuple values that contain it, and holds (graph results on their way to the
  // caller, loop-carried values, pins for parameters, modules, inputs and outputs). rt_
  // keeps a runtime value only while its count is above zero.
  int64_t pin(int64_t id);
  void release(int64_t id);
  void bind_value(ValueMap& ids, const torch::jit::Value* v, int64_t id);
  void unbind(ValueMap& ids, const torch::jit::Value* v);
  void set_elements(int64_t id, const std::vector<int64_t>& elements);

  int64_t new_value(const c10::IValue& iv, const torch::jit::Value* ir, int64_t producer);
  bool is_dynamic(int64_t id) const;
  void fold(int64_t id);
  // The value an op reading `id` must see: `id`, or, after a write through a view changed a
  // folded tensor, a constant of its current bytes; refuses reads it cannot export.
  int64_t current(int64_t id, const c10::IValue& now, const std::string& reader, int64_t module);
  // `id`, or the value the last in-place op that wrote it returned (TorchScript names the
  // written tensor by its old IR value afterwards; a submodule may write its argument).
  int64_t resolved(int64_t id) const;
  // An in-place write through a chain of slice/select/narrow views, written back into every
  // tensor of the chain as trace entries, and views read after such a write taken anew
  // (interpreter_write_back.cpp).
  void write_back(int64_t view, int64_t written, const at::Tensor& memory, const Stack& stack);
  int64_t view_anew(int64_t id, const c10::IValue& now, const std::string& reader, int64_t module);
  int64_t record_entry(TraceEntry entry, const c10::IValue& out, int64_t named_as);
  // `id`, or for a tensor's value after a write (into it, or through a view of it), the
  // tensor it is the new value of, as made: a view, whose base can be written back.
  int64_t as_view(int64_t id) const;
  // The op that made the tensor `id` views, past the views write_back carries ("" if none).
  std::string view_source(int64_t id) const;

  std::vector<int64_t> run_graph(torch::jit::Graph& graph, const std::vector<int64_t>& args, const Stack& stack);
  std::vector<int64_t> run_block(torch::jit::Block* block, ValueMap& ids, const Stack& stack);
  void bind_results(torch::jit::Node* node, const std::vector<int64_t>& results, ValueMap& ids);
  void run_node(torch::jit::Node* node, ValueMap& ids, const Stack& stack);
  void run_call(torch::jit::Node* node, ValueMap& ids, const Stack& stack);
  void run_loop(torch::jit::Node* node, ValueMap& ids, const Stack& stack);
  void run_op(torch::jit::Node* node, ValueMap& ids, const Stack& stack);
  // Calls the op on real data or on the meta device, and counts the way it took.
  void call_op(torch::jit::Node* node, torch::jit::Stack& values, bool dynamic, const std::string& module);
  bool bind_items(torch::jit::Node* node, const std::vector<int64_t>& inputs, const torch::jit::Stack& outputs,
                  ValueMap& ids);
  std::vector<int64_t> items_of(int64_t id);
  bool append_item(torch::jit::Node* node, ValueMap& ids);
  bool set_dict_item(torch::jit::Node* node, ValueMap& ids);
  bool mutate_container(torch::jit::Node* node, ValueMap& ids, const Stack& stack);
  c10::IValue shadow_of(const c10::TypePtr& formal, int64_t id);
  int64_t changed(const c10::IValue& object, int64_t before, const std::vector<int64_t>& elements);
  int64_t new_list(const c10::IValue& iv, const std::string& name, const std::vector<int64_t>& elements);
  // The newest value of a list, tuple or dict object, once one was changed in place, and the
  // rebinding of the IR values read to it (interpreter_aliases.cpp).
  void note_version(int64_t id);
  int64_t fresh(int64_t id);
  void refresh(ValueMap& ids, const torch::jit::Value* v);
  void check_specialisable(const torch::jit::Node* node, int64_t id, const char* what, const Stack& stack) const;
  int64_t constant(const c10::IValue& iv, const torch::jit::Value* ir);
  int64_t get_attr(int64_t owner_id, const std::string& name, const torch::jit::Value* ir);
  void set_attr(int64_t owner_id, const std::string& name, int64_t value_id, const Stack& stack);

  Trace& trace_;
  bool keep_values_;
  std::vector<c10::IValue> rt_;  // runtime value of every value id, while it is live
  std::vector<int32_t> refs_;
  std::vector<char> from_data_;  // per value id: a scalar computed from input tensors' contents
  LivenessPlans plans_;
  ModuleIndex module_index_;
  std::map<std::pair<int64_t, std::string>, int64_t> attrs_;
  WriteTracker writes_;
  std::unordered_map<int64_t, int64_t> recaptured_;  // stale folded value -> its constant now
  std::unordered_map<int64_t, int64_t> written_as_;  // value an in-place op wrote -> its output
  std::unordered_map<int64_t, int64_t> viewed_as_;   // value after a write -> the tensor it is the new value of
  const torch::jit::Function* forward_ = nullptr;   // the method run() played
  std::unordered_map<const void*, int64_t> versions_;  // changed list/dict/tuple object -> its newest value, held
  const DataCone* cone_ = nullptr;                    // set for a meta trace
  int64_t max_ops_ = 0, ops_run_ = 0;                 // 0: no limit
  TraceWays ways_;
};

}  // namespace mx
