// Running one IR node of a meta trace (see meta_trace.h).
#include "torch/meta_trace.h"

#include <set>
#include <unordered_map>

#include "torch/control_flow.h"
#include "torch/op_call.h"
#include "torch/shape_rules.h"

namespace mx {
namespace {

namespace jit = torch::jit;

// `f` applied to every tensor in `iv` (a tensor, or a list of tensors and Nones).
template <class F>
c10::IValue map_tensors(const c10::IValue& iv, const F& f) {
  if (iv.isTensor()) return c10::IValue(f(iv.toTensor()));
  if (iv.isTensorList()) {
    c10::List<at::Tensor> out;
    for (const at::Tensor& t : iv.toTensorList()) out.push_back(f(t));
    return c10::IValue(out);
  }
  if (iv.isList()) {  // Tensor?[] (index's indices)
    c10::impl::GenericList out(iv.toList().elementType());
    for (const auto& e : iv.toListRef()) out.push_back(map_tensors(e, f));
    return c10::IValue(out);
  }
  return iv;
}

at::Tensor to_meta(const at::Tensor& t) {
  if (!t.defined() || t.is_meta()) return t;
  return at::empty_strided(t.sizes(), t.strides(), t.options().device(c10::kMeta));
}

// A CPU tensor of zeros with `t`'s sizes, strides and dtype: placeholder data for a kernel
// that only the CPU has, run where only the output's shape is wanted.
at::Tensor zeros_like_strided(const at::Tensor& t) {
  if (!t.defined() || !t.is_meta()) return t;
  int64_t extent = 1;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) == 0) extent = 0;
    if (extent) extent += (t.size(d) - 1) * t.stride(d);
  }
  return at::zeros({extent}, t.options().device(c10::kCPU)).as_strided(t.sizes(), t.strides());
}

// True when the schema of `node` says it writes argument `i`.
bool writes_argument(jit::Node* node, size_t i) {
  const auto* schema = node->maybeSchema();
  if (!schema || i >= schema->arguments().size()) return true;  // unknown: as if written
  const auto* alias = schema->arguments()[i].alias_info();
  return alias && alias->isWrite();
}

// Applies `f` to the tensor arguments of `node` (by its schema; every tensor without one).
template <class F>
void map_tensor_args(jit::Node* node, jit::Stack& values, const F& f) {
  const auto* schema = node->maybeSchema();
  for (size_t i = 0; i < values.size(); ++i) {
    bool tensor = schema ? i < schema->arguments().size() && holds_tensor(schema->arguments()[i].type())
                         : values[i].isTensor() || values[i].isTensorList();
    if (tensor) values[i] = map_tensors(values[i], f);
  }
}

bool bool_index(const jit::Stack& values) {
  bool found = false;
  for (const auto& iv : values)
    map_tensors(iv, [&](const at::Tensor& t) {
      found = found || (t.defined() && (t.scalar_type() == at::kBool || t.scalar_type() == at::kByte));
      return t;
    });
  return found;
}

// The last resort: the CPU kernel on zeros, its outputs made meta (an in-place op's output
// is the meta tensor it wrote). Arguments that had data keep it (the shape tensor of
// _reshape_from_tensor, an embedding_bag's offsets), unless the op writes them.
void call_on_placeholders(jit::Node* node, jit::Stack& values, const jit::Stack& meta_args,
                          const jit::Stack& originals) {
  map_tensor_args(node, values, zeros_like_strided);
  for (size_t i = 0; i < values.size() && i < originals.size(); ++i)
    if (!holds_meta(originals[i]) && !writes_argument(node, i)) values[i] = originals[i];
  call_node(node, values);
  for (auto& out : values) out = map_tensors(out, to_meta);
  for (size_t i = 0; i < meta_args.size(); ++i) {
    int r = written_output(node, i);
    if (r >= 0 && r < static_cast<int>(values.size())) values[r] = meta_args[i];
  }
}

// An embedding's ids (in the data cone, so real here) checked against the table as the
// real kernel does: out of range, the real kernel runs, so that its error is the real trace's.
void check_embedding_ids(jit::Node* node, const jit::Stack& originals, const std::string& where) {
  if (node->kind().toQualString() != std::string("aten::embedding") || originals.size() < 2) return;
  const at::Tensor& w = originals[0].toTensor();
  const at::Tensor& ids = originals[1].toTensor();
  if (ids.is_meta())
    throw MetaAbandoned{"aten::embedding in module '" + where + "' needs its ids, which the meta trace did not keep"};
  if (ids.numel() == 0 || w.dim() < 1) return;
  if (ids.min().item<int64_t>() >= 0 && ids.max().item<int64_t>() < w.size(0)) return;
  jit::Stack real = originals;
  call_node(node, real);  // throws the kernel's own error
}

// An output that is an unwritten argument itself (broadcast_tensors of tensors of one shape,
// contiguous of a contiguous tensor) becomes that argument again, not its meta copy, as the
// real kernel returns it: the trace then sees the argument pass through (an item of a list
// is not a new value, interpreter_items.cpp), as the real trace does.
void return_arguments(jit::Node* node, jit::Stack& values, const jit::Stack& meta_args, const jit::Stack& originals) {
  std::unordered_map<const c10::TensorImpl*, at::Tensor> original_of;
  for (size_t i = 0; i < meta_args.size() && i < originals.size(); ++i) {
    if (writes_argument(node, i)) continue;
    std::vector<at::Tensor> copies, reals;
    auto into = [](std::vector<at::Tensor>& list) {
      return [&list](const at::Tensor& t) {
        list.push_back(t);
        return t;
      };
    };
    map_tensors(meta_args[i], into(copies));
    map_tensors(originals[i], into(reals));
    for (size_t k = 0; k < copies.size() && k < reals.size(); ++k)
      if (copies[k].defined() && !copies[k].is_same(reals[k])) original_of.emplace(copies[k].unsafeGetTensorImpl(), reals[k]);
  }
  if (original_of.empty()) return;
  for (auto& out : values)
    out = map_tensors(out, [&](const at::Tensor& t) {
      auto it = t.defined() ? original_of.find(t.unsafeGetTensorImpl()) : original_of.end();
      return it == original_of.end() ? t : it->second;
    });
}

}  // namespace

bool holds_tensor(const c10::TypePtr& t) {
  if (t->kind() == c10::TypeKind::TensorType) return true;
  if (auto o = t->cast<c10::OptionalType>()) return holds_tensor(o->getElementType());
  if (auto l = t->cast<c10::ListType>()) return holds_tensor(l->getElementType());
  return false;
}

bool holds_meta(const c10::IValue& iv) {
  bool found = false;
  map_tensors(iv, [&](const at::Tensor& t) {
    found = found || (t.defined() && t.is_meta());
    return t;
  });
  return found;
}

void check_real_call(jit::Node* node, const jit::Stack& values, const std::vector<at::Tensor>& inputs,
                     const std::string& where) {
  const std::string op = node->kind().toQualString();
  for (size_t i = 0; i < values.size(); ++i) {
    if (holds_meta(values[i]))
      throw MetaAbandoned{op + " in module '" + where + "' needs data the meta trace did not keep"};
    if (!values[i].isTensor() || !writes_input(node, i) || !values[i].toTensor().has_storage()) continue;
    for (const auto& in : inputs)
      if (in.has_storage() && in.storage().is_alias_of(values[i].toTensor().storage()))
        throw MetaAbandoned{op + " in module '" + where + "' writes into an input in place"};
  }
}

OpWay call_on_meta(jit::Node* node, jit::Stack& values, const std::string& where,
                   std::vector<std::pair<at::Tensor, at::Tensor>>& copies) {
  bool tensor_args = false;
  const jit::Stack originals = values;
  check_embedding_ids(node, originals, where);
  map_tensor_args(node, values, [&](const at::Tensor& t) {
    tensor_args = tensor_args || t.defined();
    at::Tensor m = to_meta(t);
    if (!m.is_same(t)) copies.emplace_back(m, t);
    return m;
  });
  const jit::Stack meta_args = values;
  std::string op = node->kind().toQualString();
  // A rule exists only where LibTorch has no meta kernel; an op that failed on meta once
  // fails again: either way the failing call (a c10::Error with its backtrace, ~ms) is skipped.
  static thread_local std::set<std::string> no_kernel;
  if (apply_shape_rule(node, values)) return OpWay::ShapeRule;
  values = meta_args;
  if (!no_kernel.count(op)) try {
    call_node(node, values);
    for (const auto& out : values)  // a number read from a tensor that has no data
      if (tensor_args && (out.isInt() || out.isDouble() || out.isBool() || out.isIntList() || out.isDoubleList() ||
                          out.isBoolList()) && reads_tensor_data(node->kind()))
        throw MetaAbandoned{op + " in module '" + where + "' reads a tensor's data"};
    for (auto& out : values)  // x.device: the real tensor's, which the graph's constants are made on
      if (out.isDevice() && out.toDevice().is_meta()) out = c10::IValue(c10::Device(c10::kCPU));
    return_arguments(node, values, meta_args, originals);
    return OpWay::Meta;
  } catch (const c10::Error&) {  // no meta kernel (NotImplementedError), or one that reads data
    no_kernel.insert(op);
  }
  values = meta_args;
  if (op == "aten::index" && bool_index(values))
    throw MetaAbandoned{op + " in module '" + where + "' takes a boolean mask (its output's shape follows the data)"};
  try {
    call_on_placeholders(node, values, meta_args, originals);
  } catch (const c10::Error&) {
    throw MetaAbandoned{op + " in module '" + where + "' fails on placeholder data"};
  }
  return OpWay::Real;
}

}  // namespace mx
