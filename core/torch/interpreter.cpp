// Our interpreter of a TorchScript forward graph (see interpreter.h).
#include "torch/interpreter.h"

#include <algorithm>

#include "base/error.h"
#include "base/progress.h"
#include "model/trace_rules.h"
#include "model/dynamic_marks.h"
#include "torch/control_flow.h"
#include "torch/forward_method.h"
#include "torch/meta_trace.h"
#include "torch/op_call.h"
#include "torch/tensor_bridge.h"
#include "torch/value_capture.h"

namespace mx {

namespace jit = torch::jit;

namespace {

// The ops a run of `block` executes, through method calls (a loop's body counted once):
// the total of the progress line.
uint64_t count_ops(const jit::Block* block) {
  uint64_t n = 0;
  for (const auto* node : block->nodes()) {
    if (node->kind() == c10::prim::CallMethod) {
      if (auto cls = node->input(0)->type()->cast<c10::ClassType>())
        if (auto* method = cls->findMethod(node->s(c10::attr::name))) {
          n += count_ops(jit::toGraphFunction(*method).graph()->block());
          continue;
        }
    }
    n += 1;
    for (const auto* b : node->blocks()) n += count_ops(b);
  }
  return n;
}

}  // namespace

Interpreter::Interpreter(const jit::Module& root, Trace& trace, bool keep_values)
    : trace_(trace), keep_values_(keep_values) {
  build_module_tree(root, trace_.modules, module_index_);
}

std::vector<int64_t> Interpreter::run(const jit::Module& root, const std::vector<at::Tensor>& inputs,
                                      const std::vector<std::string>& names, const std::vector<ArgSpec>& args) {
  auto [forward, call] = choose_forward(root, names, inputs, args, trace_.model_path);
  forward_ = forward;
  auto& graph = *jit::toGraphFunction(*forward).graph();
  std::vector<int64_t> ids{pin(new_value(root._ivalue(), nullptr, -1))};
  for (size_t i = 0; i < call.args.size(); ++i) ids.push_back(pin(new_value(call.args[i], graph.inputs()[i + 1], -1)));
  for (const auto& in : call.inputs) {
    int64_t id = ids[in.arg + 1];
    trace_.inputs.push_back({in.name, in.element < 0 ? id : trace_.values[id].elements.at(in.element)});
  }
  trace_.constant_args = std::move(call.constants);
  trace_.modules[0].calls++;
  if (progress::enabled()) progress::phase("trace", count_ops(graph.block()), progress::Unit::Ops);
  auto results = run_graph(graph, ids, {0});  // held by run_graph: kept for runtime()
  for (auto& id : results) {
    int64_t now = current(resolved(id), rt_[id], "the model's output", 0);
    if (now == id) continue;
    rt_[now] = rt_[id];
    pin(now);
    release(id);
    id = now;
  }
  return results;
}

int64_t Interpreter::pin(int64_t id) {
  ++refs_[id];
  return id;
}

void Interpreter::release(int64_t id) {
  if (--refs_[id] > 0) return;
  rt_[id] = c10::IValue();
  for (auto e : trace_.values[id].elements) release(e);
}

void Interpreter::bind_value(ValueMap& ids, const jit::Value* v, int64_t id) {
  auto [it, added] = ids.emplace(v, id);
  if (!added) {
    release(it->second);
    it->second = id;
  }
  ++refs_[id];
}

void Interpreter::unbind(ValueMap& ids, const jit::Value* v) {
  auto it = ids.find(v);
  if (it == ids.end()) return;  // in a branch not taken
  int64_t id = it->second;
  ids.erase(it);
  release(id);
}

void Interpreter::set_elements(int64_t id, const std::vector<int64_t>& elements) {
  for (auto e : elements) ++refs_[e];
  auto old = std::move(trace_.values[id].elements);
  trace_.values[id].elements = elements;
  for (auto e : old) release(e);
}

int64_t Interpreter::new_value(const c10::IValue& iv, const jit::Value* ir, int64_t producer) {
  Value v;
  v.debug_name = ir ? ir->debugName() : "";
  v.producer = producer;
  if (capture_leaf(iv, keep_values_, v)) {
  } else if (iv.isObject() && iv.toObject()->type()->is_module()) {
    v.kind = Value::Kind::Module;
    auto it = module_index_.find(iv.toObject().get());
    v.module = it == module_index_.end() ? -1 : it->second;
  } else if (iv.isList() || iv.isTuple() || iv.isGenericDict()) {
    v.kind = iv.isList() ? Value::Kind::List : Value::Kind::Tuple;
    for (const auto& item : container_items(iv)) v.elements.push_back(pin(new_value(item, nullptr, producer)));
  }
  auto id = static_cast<int64_t>(trace_.values.size());
  trace_.values.push_back(std::move(v));
  rt_.push_back(iv);
  refs_.push_back(0);
  from_data_.push_back(false);
  writes_.produced(id, iv);
  return id;
}

// True when the value, or any element of it, is a tensor that depends on the inputs (the
// rule conversion uses too, without dynamic axes here: those are found after tracing).
bool Interpreter::is_dynamic(int64_t id) const { return depends_on_inputs(trace_, DynamicMarks{}, id); }

int64_t Interpreter::resolved(int64_t id) const {
  for (auto it = written_as_.find(id); it != written_as_.end(); it = written_as_.find(id)) id = it->second;
  return id;
}

int64_t Interpreter::current(int64_t id, const c10::IValue& now_value, const std::string& reader, int64_t module) {
  const auto& v = trace_.values[id];
  for (auto e : v.elements)  // a list made before the write: no way to read it anew
    if (const auto* write = writes_.stale(resolved(e)); write || resolved(e) != e)
      throw Error(stale_read_message(reader, trace_.module_label(module), trace_.values[e].debug_name,
                                     write ? *write : WriteTracker::Write{0, true, "an in-place op", "?", ""}));
  const auto* write = writes_.stale(id);
  if (!write || reads_metadata_only(reader)) return id;
  if (!v.is_constant_tensor() || write->dynamic) {
    if (int64_t anew = view_anew(id, now_value, reader, module); anew >= 0) return anew;
    throw Error(stale_read_message(reader, trace_.module_label(module), v.debug_name, *write));
  }
  // Only constants were written into a folded tensor: it is a constant still, with new bytes.
  if (auto it = recaptured_.find(id); it != recaptured_.end() && !writes_.stale(it->second)) return it->second;
  int64_t now = new_value(now_value, nullptr, -1);
  trace_.values[now].debug_name = v.debug_name;
  trace_.values[now].data = to_data(rt_[now].toTensor(), true);
  recaptured_[id] = pin(now);
  return now;
}

void Interpreter::fold(int64_t id) {
  auto& v = trace_.values[id];
  if (v.kind == Value::Kind::Tensor) {
    if (rt_[id].toTensor().is_meta())  // computed on shapes alone, yet constant: needs its data
      throw MetaAbandoned{"a constant made from " + v.debug_name + " has no data in the meta trace"};
    v.data = to_data(rt_[id].toTensor(), true);
  }
  for (auto e : v.elements) fold(e);
}

// Returns the ids of the graph's outputs, each with a hold the caller releases.
std::vector<int64_t> Interpreter::run_graph(jit::Graph& graph, const std::vector<int64_t>& args, const Stack& stack) {
  ValueMap ids;
  for (size_t i = 0; i < graph.inputs().size(); ++i) bind_value(ids, graph.inputs()[i], args.at(i));
  return run_block(graph.block(), ids, stack);
}

// Runs the block's nodes; returns its outputs' ids, each with a hold the caller releases.
std::vector<int64_t> Interpreter::run_block(jit::Block* block, ValueMap& ids, const Stack& stack) {
  const BlockPlan& p = plans_.plan(block);
  count_op(block->owningNode(), stack);  // a loop's trip counts too, empty bodies included
  for (auto* node : block->nodes()) {
    count_op(node, stack);
    run_node(node, ids, stack);
    if (node->kind() != c10::prim::CallMethod) progress::advance();
    if (auto it = p.release_after.find(node); it != p.release_after.end())
      for (const auto* v : it->second) unbind(ids, v);
  }
  std::vector<int64_t> out;
  for (auto* v : block->outputs()) refresh(ids, v);
  for (auto* v : block->outputs()) out.push_back(pin(ids.at(v)));
  for (const auto* v : p.release_at_end) unbind(ids, v);
  return out;
}

// Binds `node`'s outputs to held `results`, then drops the holds.
void Interpreter::bind_results(jit::Node* node, const std::vector<int64_t>& results, ValueMap& ids) {
  for (size_t i = 0; i < node->outputs().size(); ++i) bind_value(ids, node->output(i), results.at(i));
  for (auto id : results) release(id);
}

void Interpreter::run_node(jit::Node* node, ValueMap& ids, const Stack& stack) {
  for (auto* v : node->inputs()) refresh(ids, v);
  auto in = [&](size_t i) { return ids.at(node->input(i)); };
  switch (node->kind()) {
    case c10::prim::Constant: {
      // A function constant (scripted code calling F.log_softmax, ...) has no IValue:
      // prim::CallFunction reads the function from the IR type, so bind a None for it.
      auto iv = jit::toIValue(node->output());
      bind_value(ids, node->output(), constant(iv ? *iv : c10::IValue(), node->output()));
      return;
    }
    case c10::prim::GetAttr:
      bind_value(ids, node->output(), get_attr(in(0), node->s(c10::attr::name), node->output()));
      return;
    case c10::prim::SetAttr:  // scripted `self.x = ...` in forward
      set_attr(in(0), node->s(c10::attr::name), in(1), stack);
      return;
    case c10::prim::CallMethod:
    case c10::prim::CallFunction: run_call(node, ids, stack); return;
    case c10::prim::If: {
      // An assertion (`if ...: raise`) on the input's values is run as it is: ONNX cannot
      // raise, so only the branch that goes on is exported; the other one fails here.
      bool assertion = is_assertion(node);
      if (!assertion) check_specialisable(node, in(0), "condition", stack);
      int64_t branch = rt_[in(0)].toBool() ? 0 : 1;
      trace_.control_flow.push_back({false, construct_name(node, trace_.model_path), stack.back(), branch, {}});
      if (!assertion) trace_.control_flow.back().tested.push_back(in(0));
      bind_results(node, run_block(node->blocks()[branch], ids, stack), ids);
      return;
    }
    case c10::prim::Loop: run_loop(node, ids, stack); return;
    case c10::prim::unchecked_cast:  // scripted Optional refinement: the same value, a narrower type
      bind_value(ids, node->output(), in(0));
      return;
    case c10::prim::ListUnpack:
    case c10::prim::TupleUnpack: {
      const auto elements = items_of(in(0));
      for (size_t i = 0; i < node->outputs().size(); ++i) bind_value(ids, node->output(i), elements.at(i));
      return;
    }
    case c10::prim::TupleIndex: {
      int64_t k = rt_[in(1)].toInt();
      const auto elements = items_of(in(0));
      bind_value(ids, node->output(), elements.at(k < 0 ? k + elements.size() : k));
      return;
    }
    case c10::aten::append:
      if (!append_item(node, ids) && !mutate_container(node, ids, stack)) run_op(node, ids, stack);
      return;
    case c10::aten::warn: return;  // a Python warning (scripted GoogLeNet's): nothing to export
    case c10::aten::_set_item:
      if (!set_dict_item(node, ids) && !mutate_container(node, ids, stack)) run_op(node, ids, stack);
      return;
    default:
      if (!mutate_container(node, ids, stack)) run_op(node, ids, stack);
  }
}

// A method of a module (a submodule's forward pushes it on the call stack) or a function.
void Interpreter::run_call(jit::Node* node, ValueMap& ids, const Stack& stack) {
  std::vector<int64_t> args;
  if (node->kind() == c10::prim::CallFunction) {
    auto& fn = *node->input(0)->type()->expect<c10::FunctionType>()->function();
    for (size_t i = 1; i < node->inputs().size(); ++i) args.push_back(ids.at(node->input(i)));
    bind_results(node, run_graph(*jit::toGraphFunction(fn).graph(), args, stack), ids);
    return;
  }
  int64_t self_id = ids.at(node->input(0));
  const auto& self = trace_.values[self_id];
  auto& fn = rt_[self_id].toObject()->type()->getMethod(node->s(c10::attr::name));
  for (auto* v : node->inputs()) args.push_back(ids.at(v));
  auto inner = stack;
  const std::string& method = node->s(c10::attr::name);
  if (self.kind == Value::Kind::Module && self.module >= 0 && enters_module(method)) {
    if (self.module != stack.back()) inner.push_back(self.module);
    if (is_forward_name(method)) trace_.modules[self.module].calls++;
  }
  bind_results(node, run_graph(*jit::toGraphFunction(fn).graph(), args, inner), ids);
}

int64_t Interpreter::constant(const c10::IValue& iv, const jit::Value* ir) {
  int64_t id = new_value(iv, ir, -1);
  if (iv.isTensor()) trace_.values[id].data = to_data(iv.toTensor(), false);
  return id;
}

int64_t Interpreter::get_attr(int64_t owner_id, const std::string& name, const jit::Value* ir) {
  int64_t owner = trace_.values[owner_id].module;
  const auto& object = rt_[owner_id].toObject();
  c10::IValue iv = object->getAttr(name);
  // A submodule is the owner's child of that name: the path this call goes through, also
  // for an instance registered under several names. Anything else belongs to the object,
  // named by its first path as named_parameters() names it, and is read once.
  if (!iv.isModule() && owner >= 0) owner = module_index_.at(object.get());
  auto key = std::make_pair(owner, name);
  if (auto it = attrs_.find(key); it != attrs_.end()) return it->second;
  int64_t id = pin(new_value(iv, ir, -1));  // parameters and modules: the module keeps them anyway
  auto& v = trace_.values[id];
  if (iv.isModule() && owner >= 0)
    for (auto c : trace_.modules[owner].children)
      if (trace_.modules[c].attr == name) v.module = c;
  if (iv.isTensor()) {
    v.data = to_data(iv.toTensor(), false);
    const std::string& path = owner >= 0 ? trace_.modules[owner].path : "";
    v.param_name = path.empty() ? name : path + "." + name;
    v.owner_module = owner;
  }
  // A list of parameters (a scripted RNN's _flat_weights): constants like the parameters.
  for (auto e : trace_.values[id].elements)
    if (rt_[e].isTensor()) trace_.values[e].data = to_data(rt_[e].toTensor(), false);
  if (owner >= 0) attrs_[key] = id;
  return id;
}

// A scripted forward's `self.x = value` (RAFT's CorrBlock keeps its pyramid so): later reads
// of the attribute in this trace see the value, as the object's would; the loaded module is
// not changed. Replacing a submodule is refused (its calls would need another module path).
void Interpreter::set_attr(int64_t owner_id, const std::string& name, int64_t value_id, const Stack& stack) {
  const auto& object = rt_[owner_id].toObject();
  if (trace_.values[owner_id].module < 0 || rt_[value_id].isModule() ||
      (object->type()->hasAttribute(name) && object->getAttr(name).isModule()))
    throw Error("model '" + trace_.model_path + "': forward of module '" + trace_.module_label(stack.back()) +
                "' assigns its attribute '" + name +
                "' (prim::SetAttr) on an object that is not a module, or replaces a submodule with it; "
                "modelexport exports forwards that store tensors and values on their modules");
  attrs_[std::make_pair(module_index_.at(object.get()), name)] = pin(value_id);
}

void Interpreter::run_op(jit::Node* node, ValueMap& ids, const Stack& stack) {
  TraceEntry entry;
  entry.op = node->kind().toQualString();
  if (const auto* schema = node->maybeSchema()) entry.overload = schema->overload_name();
  entry.module_stack = stack;
  jit::Stack values;
  bool dynamic = false;
  std::vector<std::pair<int64_t, int>> written;  // (value written, output that returns it)
  std::vector<at::Tensor> written_tensors;
  bool container = node->kind() == c10::prim::ListConstruct || node->kind() == c10::prim::TupleConstruct ||
                   node->kind() == c10::prim::DictConstruct;
  for (size_t i = 0; i < node->inputs().size(); ++i) {
    int64_t bound = ids.at(node->input(i));
    int64_t id = current(resolved(bound), rt_[bound], entry.op, stack.back());
    if (container && id != bound) rt_[id] = rt_[bound];  // its elements are read from rt_ later
    entry.inputs.push_back(id);
    // x.new_zeros(sizes) reads x's dtype and device alone: a mask built in it (Swin's shifted
    // windows) is a constant, as in torch.onnx.export.
    dynamic = dynamic || (is_dynamic(id) && !reads_metadata_only(entry.op));
    values.push_back(rt_[bound]);
    int out = written_output(node, i);
    if (out >= 0 && rt_[bound].isTensor()) {
      written.push_back({id, out});
      written_tensors.push_back(rt_[bound].toTensor());
    } else if (writes_input(node, i) && rt_[bound].isTensor()) {
      // Written, not returned (running statistics): the IR value keeps its pre-op contents.
      rt_[bound] = rt_[bound].toTensor().clone();
      writes_.produced(bound, rt_[bound]);
    }
  }
  if (node->kind() == c10::prim::RaiseException) {  // LibTorch's text would lose the message
    std::string text = !values.empty() && values[0].isString() ? values[0].toStringRef() : "";
    std::string cls = values.size() > 1 && values[1].isString() ? values[1].toStringRef() + ": " : "";
    throw Error("model '" + trace_.model_path + "': forward raised an exception in module '" +
                trace_.module_label(stack.back()) + "': " + cls + first_line(text));
  }
  try {
    call_op(node, values, dynamic && !container, trace_.module_label(stack.back()));
  } catch (const std::exception& e) {
    throw Error("running " + entry.op + " in module '" + trace_.module_label(stack.back()) +
                "' failed: " + message_of(e));
  }
  // The tensor as it was bound: on a meta trace, the op wrote a meta copy of a real one.
  for (size_t k = 0; k < written.size(); ++k)
    writes_.wrote(written_tensors[k], entry.op, trace_.module_label(stack.back()), dynamic,
                  view_source(written[k].first));
  if (bind_items(node, entry.inputs, values, ids)) return;
  auto index = static_cast<int64_t>(trace_.entries.size());
  for (size_t i = 0; i < node->outputs().size(); ++i) {
    int64_t id = new_value(values.at(i), node->output(i), index);
    // Random ops (rand, bernoulli, dropout with train=True) are never folded: that would
    // bake one draw into the file. They reach the converter, which refuses them.
    if (!dynamic && !keeps_parameter_op(trace_, entry) && !node->isNondeterministic()) fold(id);
    entry.outputs.push_back(id);
    bind_value(ids, node->output(i), id);
  }
  // A scalar made from an input tensor's contents, or from such scalars, changes with the
  // input's values: control flow over it cannot be specialised (check_specialisable). A list
  // of tensors (x.chunk(2), list(xs)) is as long as its op's arguments make it, whatever it read.
  bool data = false, read = false;
  for (auto id : entry.inputs) {
    data = data || from_data_[id];
    read = read || (is_dynamic(id) && reads_tensor_data(node->kind()));
  }
  for (auto out : entry.outputs)
    from_data_[out] = trace_.values[out].kind != Value::Kind::Tensor && (data || (read && !holds_tensors(rt_[out])));
  for (const auto& w : written) written_as_[w.first] = entry.outputs.at(w.second);
  if (node->kind() == c10::prim::ListConstruct || node->kind() == c10::prim::TupleConstruct) {
    // Elements are the inputs themselves, so converters can see through the list.
    set_elements(entry.outputs[0], entry.inputs);
  } else if (node->kind() == c10::prim::DictConstruct) {
    std::vector<int64_t> values_in_order;
    for (size_t i = 1; i < entry.inputs.size(); i += 2) values_in_order.push_back(entry.inputs[i]);
    set_elements(entry.outputs[0], values_in_order);
  }
  trace_.entries.push_back(std::move(entry));
  add_part_entries(trace_, index);
  for (size_t k = 0; k < written.size(); ++k)
    write_back(written[k].first, trace_.entries[index].outputs.at(written[k].second), written_tensors[k], stack);
}

void Interpreter::call_op(jit::Node* node, jit::Stack& values, bool dynamic, const std::string& module) {
  if (skip_refused_write(node, values)) return;  // the same in both modes (write_tracker.h)
  OpWay way = OpWay::Real;
  bool on_meta = cone_ && dynamic && !cone_->needs_data(node);
  if (on_meta) {
    std::vector<std::pair<at::Tensor, at::Tensor>> copies;
    way = call_on_meta(node, values, module, copies);
    for (const auto& [copy, original] : copies) writes_.same_memory(copy, original);
  } else {
    if (cone_ && cone_->needs_data(node)) {
      std::vector<at::Tensor> inputs;
      for (const auto& in : trace_.inputs)
        if (rt_[in.value].isTensor()) inputs.push_back(rt_[in.value].toTensor());
      check_real_call(node, values, inputs, module);
    }
    call_node(node, values);
  }
  bool tensors = false;
  for (const auto& v : values) tensors = tensors || v.isTensor() || v.isTensorList();
  if (!tensors || node->kind().is_prim()) return;
  auto& w = ways_;
  (way == OpWay::Meta ? w.meta : way == OpWay::ShapeRule ? w.shape_rule : w.real)++;
  std::string op = node->kind().toQualString();
  if (on_meta && way != OpWay::Meta && std::find(w.fallback_ops.begin(), w.fallback_ops.end(), op) == w.fallback_ops.end())
    w.fallback_ops.push_back(op);
}

}  // namespace mx
