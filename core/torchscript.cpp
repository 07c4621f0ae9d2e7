// Loads a TorchScript file and runs its forward graph op by op, recording the trace.
// This is the only translation unit of core that includes LibTorch: it compiles slowly.
//
// Why an interpreter of our own instead of torch::jit::Inline + run: walking the graphs
// ourselves, we follow prim::GetAttr chains from `self`, so every op knows the exact module
// instances on its call stack (dotted paths as named_modules() spells them), and every IR
// value gets its concrete value from the real LibTorch kernels.
#include "torchscript.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/script.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

#include "error.h"

namespace mx {
namespace {

namespace jit = torch::jit;

DType to_dtype(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat: return DType::Float;
    case c10::kHalf: return DType::Float16;
    case c10::kDouble: return DType::Double;
    case c10::kBFloat16: return DType::BFloat16;
    case c10::kLong: return DType::Int64;
    case c10::kInt: return DType::Int32;
    case c10::kShort: return DType::Int16;
    case c10::kChar: return DType::Int8;
    case c10::kByte: return DType::UInt8;
    case c10::kBool: return DType::Bool;
    default: return DType::Undefined;
  }
}

c10::ScalarType to_scalar_type(DType t) {
  switch (t) {
    case DType::Float: return c10::kFloat;
    case DType::Float16: return c10::kHalf;
    case DType::Double: return c10::kDouble;
    case DType::BFloat16: return c10::kBFloat16;
    case DType::Int64: return c10::kLong;
    case DType::Int32: return c10::kInt;
    case DType::Int16: return c10::kShort;
    case DType::Int8: return c10::kChar;
    case DType::UInt8: return c10::kByte;
    case DType::Bool: return c10::kBool;
    default: throw Error(std::string("unsupported element type ") + dtype_name(t));
  }
}

std::shared_ptr<TensorData> to_data(const at::Tensor& t, bool copy) {
  auto kept =
      std::make_shared<at::Tensor>(copy ? t.detach().clone(at::MemoryFormat::Contiguous) : t.detach().contiguous());
  auto d = std::make_shared<TensorData>();
  d->dtype = to_dtype(kept->scalar_type());
  d->shape = kept->sizes().vec();
  d->data = kept->data_ptr();
  d->nbytes = kept->nbytes();
  d->owner = kept;
  return d;
}

at::Tensor from_data(const TensorData& d) {
  return at::from_blob(const_cast<void*>(d.data), d.shape, at::TensorOptions().dtype(to_scalar_type(d.dtype))).clone();
}

// "__torch__.torchvision.models.resnet.___torch_mangle_3.BasicBlock" -> qualified name
// without the TorchScript prefix and mangling.
std::string clean_class_name(const std::string& qualified) {
  std::string out;
  size_t start = 0;
  while (start <= qualified.size()) {
    size_t end = qualified.find('.', start);
    if (end == std::string::npos) end = qualified.size();
    std::string atom = qualified.substr(start, end - start);
    if (atom != "__torch__" && atom.rfind("___torch_mangle", 0) != 0 && !atom.empty())
      out += (out.empty() ? "" : ".") + atom;
    start = end + 1;
  }
  return out;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

class Tracer {
 public:
  Tracer(const jit::Module& root, Trace& trace, bool keep_values) : trace_(trace), keep_values_(keep_values) {
    add_module(root, "", "", -1);
  }

  // Runs root.forward on `inputs`, returns the value ids of the graph's outputs.
  std::vector<int64_t> run(const jit::Module& root, const std::vector<at::Tensor>& inputs,
                           const std::vector<std::string>& names) {
    auto& forward = root.get_method("forward").function();
    auto& graph = *jit::toGraphFunction(forward).graph();
    size_t expected = graph.inputs().size() - 1;
    if (expected != inputs.size()) {
      std::string args;
      const auto& schema_args = forward.getSchema().arguments();
      for (size_t i = 1; i < schema_args.size(); ++i) args += (i > 1 ? ", " : "") + schema_args[i].name();
      throw Error("model '" + trace_.model_path + "': forward takes " + std::to_string(expected) + " input(s) (" +
                  args + ") but " + std::to_string(inputs.size()) + " were given with --input");
    }
    std::vector<int64_t> args{pin(new_value(root._ivalue(), nullptr, -1))};
    for (size_t i = 0; i < inputs.size(); ++i) {
      int64_t id = pin(new_value(inputs[i], graph.inputs()[i + 1], -1));
      const auto& arg_names = forward.getSchema().arguments();
      std::string name = i < names.size() && !names[i].empty() ? names[i] : arg_names.at(i + 1).name();
      trace_.inputs.push_back({name, id});
      args.push_back(id);
    }
    trace_.modules[0].calls++;
    return run_graph(graph, args, {0});  // held by run_graph: kept for runtime()
  }

  const c10::IValue& runtime(int64_t id) const { return rt_.at(id); }

 private:
  using ValueMap = std::unordered_map<const jit::Value*, int64_t>;

  // Liveness. rt_ keeps a runtime value only while something can still read it, so
  // activations are freed as the model runs, as in LibTorch's own interpreter; keeping all
  // of them would hold every activation of the model at once. refs_ counts, per value id,
  // the IR values bound to it in a running graph, the list or tuple values that contain it,
  // and holds (graph results on their way to the caller, loop-carried values, pins for
  // parameters, modules and the graph's inputs and outputs).
  struct BlockPlan {
    std::unordered_map<const jit::Node*, std::vector<const jit::Value*>> release_after;  // last use
    std::vector<const jit::Value*> release_at_end;  // read by the block's return, or never
  };

  int64_t pin(int64_t id) {
    ++refs_[id];
    return id;
  }
  void release(int64_t id) {
    if (--refs_[id] > 0) return;
    rt_[id] = c10::IValue();
    for (auto e : trace_.values[id].elements) release(e);
  }
  void bind_value(ValueMap& ids, const jit::Value* v, int64_t id) {
    auto [it, added] = ids.emplace(v, id);
    if (!added) {
      release(it->second);
      it->second = id;
    }
    ++refs_[id];
  }
  void unbind(ValueMap& ids, const jit::Value* v) {
    auto it = ids.find(v);
    if (it == ids.end()) return;  // in a branch not taken
    int64_t id = it->second;
    ids.erase(it);
    release(id);
  }
  void set_elements(int64_t id, const std::vector<int64_t>& elements) {
    for (auto e : elements) ++refs_[e];
    auto old = std::move(trace_.values[id].elements);
    trace_.values[id].elements = elements;
    for (auto e : old) release(e);
  }

  const BlockPlan& plan(jit::Block* block) {
    auto [it, added] = plans_.try_emplace(block);
    if (!added) return it->second;
    BlockPlan& p = it->second;
    std::unordered_map<const jit::Node*, size_t> position;
    for (auto* n : block->nodes()) position.emplace(n, position.size());
    auto own = [&](const jit::Value* v, const jit::Node* defined_by) {
      const jit::Node* last = defined_by;
      bool at_end = defined_by == nullptr;  // an unused block input lives to the end
      for (const auto& use : v->uses()) {
        const jit::Node* user = use.user;
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

  void add_module(const jit::Module& m, const std::string& path, const std::string& attr, int64_t parent) {
    auto* obj = m._ivalue().get();
    if (module_index_.count(obj)) return;  // a shared instance keeps its first path
    Module mod;
    mod.path = path;
    mod.attr = attr;
    mod.parent = parent;
    mod.qualified_class = clean_class_name(m.type()->name() ? m.type()->name()->qualifiedName() : "Module");
    mod.class_name = mod.qualified_class.substr(mod.qualified_class.rfind('.') + 1);
    int64_t index = static_cast<int64_t>(trace_.modules.size());
    module_index_[obj] = index;
    trace_.modules.push_back(mod);
    if (parent >= 0) trace_.modules[parent].children.push_back(index);
    for (const auto& child : m.named_children())
      add_module(child.value, path.empty() ? child.name : path + "." + child.name, child.name, index);
  }

  int64_t new_value(const c10::IValue& iv, const jit::Value* ir, int64_t producer) {
    Value v;
    v.debug_name = ir ? ir->debugName() : "";
    v.producer = producer;
    if (iv.isTensor()) {
      const auto& t = iv.toTensor();
      v.kind = Value::Kind::Tensor;
      v.dtype = to_dtype(t.scalar_type());
      v.shape = t.sizes().vec();
      if (keep_values_) v.observed = to_data(t, true);
    } else if (iv.isInt()) {
      v.kind = Value::Kind::Int;
      v.i = iv.toInt();
    } else if (iv.isDouble()) {
      v.kind = Value::Kind::Double;
      v.d = iv.toDouble();
    } else if (iv.isBool()) {
      v.kind = Value::Kind::Bool;
      v.i = iv.toBool();
    } else if (iv.isIntList()) {
      v.kind = Value::Kind::IntList;
      v.ints = iv.toIntVector();
    } else if (iv.isDoubleList()) {
      v.kind = Value::Kind::DoubleList;
      v.doubles = iv.toDoubleVector();
    } else if (iv.isBoolList()) {
      v.kind = Value::Kind::BoolList;
      for (bool b : iv.toBoolList()) v.ints.push_back(b);
    } else if (iv.isString()) {
      v.kind = Value::Kind::String;
      v.s = iv.toStringRef();
    } else if (iv.isNone()) {
      v.kind = Value::Kind::None;
    } else if (iv.isDevice()) {
      v.kind = Value::Kind::Device;
      v.s = iv.toDevice().str();
    } else if (iv.isObject() && iv.toObject()->type()->is_module()) {
      v.kind = Value::Kind::Module;
      auto it = module_index_.find(iv.toObject().get());
      v.module = it == module_index_.end() ? -1 : it->second;
    } else if (iv.isList() || iv.isTuple() || iv.isGenericDict()) {
      // A dict's values, in insertion order (what a flattened output keeps).
      v.kind = iv.isList() ? Value::Kind::List : Value::Kind::Tuple;
      std::vector<c10::IValue> items;
      if (iv.isList())
        items = iv.toListRef().vec();
      else if (iv.isTuple())
        items = iv.toTupleRef().elements().vec();
      else
        for (const auto& kv : iv.toGenericDict()) items.push_back(kv.value());
      for (const auto& item : items) v.elements.push_back(pin(new_value(item, nullptr, producer)));
    }
    int64_t id = static_cast<int64_t>(trace_.values.size());
    trace_.values.push_back(std::move(v));
    rt_.push_back(iv);
    refs_.push_back(0);
    return id;
  }

  // True when the value, or any element of it, is a tensor that depends on the inputs.
  bool is_dynamic(int64_t id) const {
    const auto& v = trace_.values[id];
    if (v.kind == Value::Kind::Tensor) return v.data == nullptr;
    for (auto e : v.elements)
      if (is_dynamic(e)) return true;
    return false;
  }

  // Returns the ids of the graph's outputs, each with a hold the caller releases.
  std::vector<int64_t> run_graph(jit::Graph& graph, const std::vector<int64_t>& args,
                                 const std::vector<int64_t>& stack) {
    ValueMap ids;
    for (size_t i = 0; i < graph.inputs().size(); ++i) bind_value(ids, graph.inputs()[i], args.at(i));
    return run_block(graph.block(), ids, stack);
  }

  // Runs the block's nodes; returns its outputs' ids, each with a hold the caller releases.
  std::vector<int64_t> run_block(jit::Block* block, ValueMap& ids, const std::vector<int64_t>& stack) {
    const BlockPlan& p = plan(block);
    for (auto* node : block->nodes()) {
      run_node(node, ids, stack);
      if (auto it = p.release_after.find(node); it != p.release_after.end())
        for (const auto* v : it->second) unbind(ids, v);
    }
    std::vector<int64_t> out;
    for (auto* v : block->outputs()) out.push_back(pin(ids.at(v)));
    for (const auto* v : p.release_at_end) unbind(ids, v);
    return out;
  }

  // Binds `node`'s outputs to held `results`, then drops the holds.
  void bind_results(jit::Node* node, const std::vector<int64_t>& results, ValueMap& ids) {
    for (size_t i = 0; i < node->outputs().size(); ++i) bind_value(ids, node->output(i), results.at(i));
    for (auto id : results) release(id);
  }

  void run_node(jit::Node* node, ValueMap& ids, const std::vector<int64_t>& stack) {
    auto in = [&](size_t i) { return ids.at(node->input(i)); };
    switch (node->kind()) {
      case c10::prim::Constant:
        bind_value(ids, node->output(), constant(jit::toIValue(node->output()).value(), node->output()));
        return;
      case c10::prim::GetAttr:
        bind_value(ids, node->output(), get_attr(in(0), node->s(c10::attr::name), node->output()));
        return;
      case c10::prim::CallMethod: {
        const auto& self = trace_.values[in(0)];
        auto obj = rt_[in(0)].toObject();
        auto& fn = obj->type()->getMethod(node->s(c10::attr::name));
        std::vector<int64_t> args;
        for (auto* v : node->inputs()) args.push_back(ids.at(v));
        auto inner = stack;
        if (self.kind == Value::Kind::Module && self.module >= 0) {
          if (self.module != stack.back()) inner.push_back(self.module);
          if (node->s(c10::attr::name) == "forward") trace_.modules[self.module].calls++;
        }
        bind_results(node, run_graph(*jit::toGraphFunction(fn).graph(), args, inner), ids);
        return;
      }
      case c10::prim::CallFunction: {
        auto& fn = *node->input(0)->type()->expect<c10::FunctionType>()->function();
        std::vector<int64_t> args;
        for (size_t i = 1; i < node->inputs().size(); ++i) args.push_back(in(i));
        bind_results(node, run_graph(*jit::toGraphFunction(fn).graph(), args, stack), ids);
        return;
      }
      case c10::prim::If: {
        auto* taken = node->blocks()[rt_[in(0)].toBool() ? 0 : 1];
        bind_results(node, run_block(taken, ids, stack), ids);
        return;
      }
      case c10::prim::Loop: run_loop(node, ids, stack); return;
      case c10::prim::ListUnpack:
      case c10::prim::TupleUnpack: {
        const auto elements = trace_.values[in(0)].elements;
        for (size_t i = 0; i < node->outputs().size(); ++i) bind_value(ids, node->output(i), elements.at(i));
        return;
      }
      case c10::prim::TupleIndex: {
        int64_t k = rt_[in(1)].toInt();
        const auto& elements = trace_.values[in(0)].elements;
        bind_value(ids, node->output(), elements.at(k < 0 ? k + elements.size() : k));
        return;
      }
      default: run_op(node, ids, stack);
    }
  }

  void run_loop(jit::Node* node, ValueMap& ids, const std::vector<int64_t>& stack) {
    int64_t trips = rt_[ids.at(node->input(0))].toInt();
    bool cond = rt_[ids.at(node->input(1))].toBool();
    std::vector<int64_t> carried;  // held
    for (size_t i = 2; i < node->inputs().size(); ++i) carried.push_back(pin(ids.at(node->input(i))));
    auto* body = node->blocks()[0];
    for (int64_t it = 0; cond && it < trips; ++it) {
      bind_value(ids, body->inputs()[0], constant(c10::IValue(it), body->inputs()[0]));
      for (size_t i = 0; i < carried.size(); ++i) bind_value(ids, body->inputs()[i + 1], carried[i]);
      for (auto id : carried) release(id);
      auto results = run_block(body, ids, stack);
      cond = rt_[results[0]].toBool();
      release(results[0]);
      carried.assign(results.begin() + 1, results.end());
    }
    bind_results(node, carried, ids);
  }

  int64_t constant(const c10::IValue& iv, const jit::Value* ir) {
    int64_t id = new_value(iv, ir, -1);
    if (iv.isTensor()) trace_.values[id].data = to_data(iv.toTensor(), false);
    return id;
  }

  int64_t get_attr(int64_t owner_id, const std::string& name, const jit::Value* ir) {
    int64_t owner = trace_.values[owner_id].module;
    auto key = std::make_pair(owner, name);
    if (auto it = attrs_.find(key); it != attrs_.end()) return it->second;
    c10::IValue iv = rt_[owner_id].toObject()->getAttr(name);
    int64_t id = pin(new_value(iv, ir, -1));  // parameters and modules: the module keeps them anyway
    auto& v = trace_.values[id];
    if (iv.isTensor()) {
      v.data = to_data(iv.toTensor(), false);
      const std::string& path = owner >= 0 ? trace_.modules[owner].path : "";
      v.param_name = path.empty() ? name : path + "." + name;
      v.owner_module = owner;
    }
    if (owner >= 0) attrs_[key] = id;
    return id;
  }

  void run_op(jit::Node* node, ValueMap& ids, const std::vector<int64_t>& stack) {
    TraceEntry entry;
    entry.op = node->kind().toQualString();
    if (const auto* schema = node->maybeSchema()) entry.overload = schema->overload_name();
    entry.module_stack = stack;
    jit::Stack values;
    bool dynamic = false;
    for (size_t i = 0; i < node->inputs().size(); ++i) {
      int64_t id = ids.at(node->input(i));
      entry.inputs.push_back(id);
      dynamic = dynamic || is_dynamic(id);
      values.push_back(rt_[id]);
      // An in-place op overwrites its input: keep the IR value's pre-op contents.
      if (writes_input(node, i) && rt_[id].isTensor()) rt_[id] = rt_[id].toTensor().clone();
    }
    try {
      execute(node, values);
    } catch (const std::exception& e) {
      throw Error("running " + entry.op + " in module '" + trace_.module_label(stack.back()) +
                  "' failed: " + first_line(e.what()));
    }
    int64_t index = static_cast<int64_t>(trace_.entries.size());
    for (size_t i = 0; i < node->outputs().size(); ++i) {
      int64_t id = new_value(values.at(i), node->output(i), index);
      // Random ops (rand, bernoulli, dropout with train=True) are never folded: that would
      // bake one draw into the file. They reach the converter, which refuses them.
      if (!dynamic && !keeps_lookup(entry) && !node->isNondeterministic()) fold(id);
      entry.outputs.push_back(id);
      bind_value(ids, node->output(i), id);
    }
    // Nothing to emit when no output depends on the inputs (sizes and other scalars are
    // known in a static export; constant tensors become initializers where used).
    entry.folded = true;
    for (auto out : entry.outputs) entry.folded = entry.folded && !is_dynamic(out);
    if (node->kind() == c10::prim::ListConstruct || node->kind() == c10::prim::TupleConstruct) {
      // Elements are the inputs themselves, so converters can see through the list.
      set_elements(entry.outputs[0], entry.inputs);
    } else if (node->kind() == c10::prim::DictConstruct) {
      std::vector<int64_t> values_in_order;
      for (size_t i = 1; i < entry.inputs.size(); i += 2) values_in_order.push_back(entry.inputs[i]);
      set_elements(entry.outputs[0], values_in_order);
    }
    trace_.entries.push_back(std::move(entry));
    add_part_entries(index);
  }

  // The list and tuple constructors are created per node by the JIT and not all of them
  // can be had through getOperation; build those values here.
  static void execute(jit::Node* node, jit::Stack& values) {
    if (node->kind() == c10::prim::ListConstruct) {
      c10::impl::GenericList list(node->output()->type()->expectRef<c10::ListType>().getElementType());
      for (auto& v : values) list.push_back(std::move(v));
      values = {c10::IValue(list)};
    } else if (node->kind() == c10::prim::TupleConstruct) {
      values = {c10::IValue(c10::ivalue::Tuple::create(std::move(values)))};
    } else if (node->kind() == c10::prim::DictConstruct) {
      const auto& type = node->output()->type()->expectRef<c10::DictType>();
      c10::impl::GenericDict dict(type.getKeyType(), type.getValueType());
      for (size_t i = 0; i + 1 < values.size(); i += 2) dict.insert(values[i], values[i + 1]);
      values = {c10::IValue(dict)};
    } else {
      node->getOperation()(values);
    }
  }

  static bool writes_input(jit::Node* node, size_t i) {
    const auto* schema = node->maybeSchema();
    if (!schema || i >= schema->arguments().size()) return false;
    const auto* alias = schema->arguments()[i].alias_info();
    return alias && alias->isWrite();
  }

  // Part entries of a fused op (see TraceEntry::part_of), one per strict submodule of the
  // op's module that owns one of its parameter inputs and that the unfused path calls, in
  // the order the inputs name them.
  void add_part_entries(int64_t index) {
    static const std::set<std::string> kFusedOps{"aten::_native_multi_head_attention",
                                                 "aten::_transformer_encoder_layer_fwd"};
    if (!kFusedOps.count(trace_.entries[index].op)) return;
    const TraceEntry fused = trace_.entries[index];
    std::map<int64_t, size_t> part_of_module;  // owner module -> index in trace_.entries
    for (auto in : fused.inputs) {
      int64_t owner = trace_.values[in].owner_module;
      if (owner < 0 || trace_.values[in].param_name.empty()) continue;
      // nn.MultiheadAttention never calls its out_proj: the unfused path reads the weight in
      // the attention's own forward, and torch.onnx.export scopes the product there too.
      while (owner >= 0 && trace_.modules[owner].qualified_class ==
                               "torch.nn.modules.linear.NonDynamicallyQuantizableLinear")
        owner = trace_.modules[owner].parent;
      if (owner < 0 || owner == fused.module()) continue;
      std::vector<int64_t> chain;  // owner up to (not including) the op's module
      for (int64_t m = owner; m >= 0 && m != fused.module(); m = trace_.modules[m].parent) chain.push_back(m);
      if (chain.empty() || trace_.modules[chain.back()].parent != fused.module()) continue;  // not below it
      auto [it, fresh] = part_of_module.emplace(owner, trace_.entries.size());
      if (fresh) {
        TraceEntry part;
        part.op = fused.op;
        part.overload = fused.overload;
        part.module_stack = fused.module_stack;
        part.module_stack.insert(part.module_stack.end(), chain.rbegin(), chain.rend());
        part.folded = true;
        part.part_of = index;
        trace_.entries.push_back(std::move(part));
      }
      trace_.entries[it->second].inputs.push_back(in);
    }
  }

  // An embedding lookup reads rows of a parameter. torch.onnx.export keeps it as a Gather
  // even at constant positions (BERT's position and token type ids), and so do we: folded,
  // it would leave its module without a node and put an activation-sized constant in the
  // file in place of the table.
  bool keeps_lookup(const TraceEntry& entry) const {
    return entry.op == "aten::embedding" && !entry.inputs.empty() && !trace_.values[entry.inputs[0]].param_name.empty();
  }

  void fold(int64_t id) {
    auto& v = trace_.values[id];
    if (v.kind == Value::Kind::Tensor) v.data = to_data(rt_[id].toTensor(), true);
    for (auto e : v.elements) fold(e);
  }

  Trace& trace_;
  bool keep_values_;
  std::vector<c10::IValue> rt_;  // runtime value of every value id, while it is live
  std::vector<int32_t> refs_;    // see pin()
  std::unordered_map<const jit::Block*, BlockPlan> plans_;
  std::unordered_map<const c10::ivalue::Object*, int64_t> module_index_;
  std::map<std::pair<int64_t, std::string>, int64_t> attrs_;
};

jit::Module load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("model file '" + path + "' does not exist");
  if (!std::filesystem::is_regular_file(path, ec)) throw Error("model file '" + path + "' is not a regular file");
  try {
    auto m = jit::load(path);
    m.eval();
    return m;
  } catch (const std::exception& e) {
    throw Error("model file '" + path + "' is not a TorchScript file that LibTorch can load: " + first_line(e.what()));
  }
}

void flatten_outputs(const Trace& trace, int64_t id, std::vector<int64_t>& out) {
  const auto& v = trace.values[id];
  if (v.kind == Value::Kind::Tensor) {
    out.push_back(id);
    return;
  }
  if (v.kind != Value::Kind::Tuple && v.kind != Value::Kind::List)
    throw Error("model '" + trace.model_path +
                "': forward returns a value that is not a tensor or a tuple, list or dict of tensors (" + v.debug_name +
                ")");
  for (auto e : v.elements) flatten_outputs(trace, e, out);
}

void flatten_ivalue(const c10::IValue& iv, std::vector<std::shared_ptr<TensorData>>& out) {
  if (iv.isTensor()) {
    out.push_back(to_data(iv.toTensor(), true));
  } else if (iv.isTuple()) {
    for (const auto& e : iv.toTupleRef().elements()) flatten_ivalue(e, out);
  } else if (iv.isList()) {
    for (const auto& e : iv.toListRef()) flatten_ivalue(e, out);
  } else if (iv.isGenericDict()) {
    for (const auto& kv : iv.toGenericDict()) flatten_ivalue(kv.value(), out);
  }
}

}  // namespace

std::vector<std::shared_ptr<TensorData>> make_inputs(const std::vector<InputSpec>& specs, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  std::vector<std::shared_ptr<TensorData>> out;
  for (const auto& spec : specs) {
    at::Tensor t;
    switch (spec.dtype) {
      case DType::Float:
      case DType::Float16:
      case DType::Double:
      case DType::BFloat16:
        t = at::randn(spec.dims, gen, at::TensorOptions().dtype(at::kFloat)).to(to_scalar_type(spec.dtype));
        break;
      case DType::Bool:
        t = at::randint(std::max<int64_t>(spec.low, 0), std::min<int64_t>(spec.high, 1) + 1, spec.dims, gen,
                        at::TensorOptions().dtype(at::kLong))
                .to(at::kBool);
        break;
      default:
        t = at::randint(spec.low, spec.high + 1, spec.dims, gen, at::TensorOptions().dtype(to_scalar_type(spec.dtype)));
    }
    out.push_back(to_data(t, false));
  }
  return out;
}

std::vector<std::shared_ptr<TensorData>> load_inputs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("input file '" + path + "' cannot be read: " + std::strerror(errno));
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  c10::IValue value;
  try {
    value = jit::pickle_load(bytes);
  } catch (const std::exception& e) {
    throw Error("input file '" + path + "' is not a tensor or tuple of tensors saved with torch.save: " + first_line(e.what()));
  }
  std::vector<c10::IValue> items;
  if (value.isTensor())
    items = {value};
  else if (value.isTuple())
    items = value.toTupleRef().elements().vec();
  else if (value.isList())
    items = value.toListRef().vec();
  else
    throw Error("input file '" + path + "' holds a " + value.tagKind() + ", not a tensor or a tuple of tensors");
  std::vector<std::shared_ptr<TensorData>> out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].isTensor())
      throw Error("input file '" + path + "': item " + std::to_string(i) + " is a " + items[i].tagKind() + ", not a tensor");
    if (to_dtype(items[i].toTensor().scalar_type()) == DType::Undefined)
      throw Error("input file '" + path + "': item " + std::to_string(i) + " has an unsupported element type");
    out.push_back(to_data(items[i].toTensor(), true));
  }
  return out;
}

struct TorchModel::Module {
  jit::Module module;
};

TorchModel::TorchModel(const std::string& path) : path_(path), module_(std::make_unique<Module>(Module{load(path)})) {}
TorchModel::~TorchModel() = default;

Trace trace_model(const std::string& model_path, const std::vector<std::string>& input_names,
                  const std::vector<std::shared_ptr<TensorData>>& inputs, const TraceOptions& options) {
  return trace_model(TorchModel(model_path), input_names, inputs, options);
}

Trace trace_model(const TorchModel& model, const std::vector<std::string>& input_names,
                  const std::vector<std::shared_ptr<TensorData>>& inputs, const TraceOptions& options) {
  c10::InferenceMode guard;
  Trace trace;
  trace.model_path = model.path();
  const jit::Module& module = model.module().module;
  std::vector<at::Tensor> tensors;
  for (const auto& d : inputs) tensors.push_back(from_data(*d));
  Tracer tracer(module, trace, options.keep_values);
  auto results = tracer.run(module, tensors, input_names);
  for (auto id : results) flatten_outputs(trace, id, trace.outputs);
  trace.input_data = inputs;
  for (auto id : trace.outputs) trace.output_data.push_back(to_data(tracer.runtime(id).toTensor(), true));
  return trace;
}

std::vector<std::shared_ptr<TensorData>> run_reference(const std::string& model_path,
                                                       const std::vector<std::shared_ptr<TensorData>>& inputs) {
  c10::InferenceMode guard;
  auto module = load(model_path);
  std::vector<c10::IValue> args;
  for (const auto& d : inputs) args.emplace_back(from_data(*d));
  std::vector<std::shared_ptr<TensorData>> out;
  flatten_ivalue(module.forward(args), out);
  return out;
}

}  // namespace mx
