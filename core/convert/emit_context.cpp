// Argument access and node creation for emitters.
#include "convert/emit_context.h"

namespace mx {
namespace {

const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::Tensor: return "a tensor";
    case Value::Kind::Int: return "an int";
    case Value::Kind::Double: return "a float";
    case Value::Kind::Bool: return "a bool";
    case Value::Kind::IntList: return "an int list";
    case Value::Kind::DoubleList: return "a float list";
    case Value::Kind::None: return "None";
    case Value::Kind::String: return "a string";
    default: return "another kind of value";
  }
}

}  // namespace

EmitContext::EmitContext(GraphBuilder& g, int64_t entry_index, const OpEntry& op)
    : g_(g), index_(entry_index), node_entry_(entry_index), entry_(g.trace().entries.at(entry_index)), op_(op) {}

int64_t EmitContext::part_entry(size_t i) const {
  const auto& entries = g_.trace().entries;
  int64_t id = entry_.inputs.at(i);
  for (size_t k = static_cast<size_t>(index_) + 1; k < entries.size() && entries[k].part_of == index_; ++k)
    for (auto in : entries[k].inputs)
      if (in == id) return static_cast<int64_t>(k);
  return index_;
}

std::string EmitContext::where() const {
  const auto& trace = g_.trace();
  int64_t m = entry_.module();
  std::string op = entry_.op + (entry_.overload.empty() ? "" : "." + entry_.overload);
  return op + " in module '" + trace.module_label(m) + "' (" + trace.modules[m].class_name + ")";
}

Error EmitContext::error(const std::string& why) const { return Error(where() + ": " + why); }

const Value& EmitContext::arg(size_t i) const {
  if (i >= entry_.inputs.size())
    throw error("expected at least " + std::to_string(i + 1) + " arguments, got " +
                std::to_string(entry_.inputs.size()));
  return g_.trace().values[entry_.inputs[i]];
}

bool EmitContext::is_none(size_t i) const { return i >= arg_count() || arg(i).kind == Value::Kind::None; }

const std::vector<std::string>& EmitContext::dim_labels(size_t i) const {
  return g_.dynamic().labels(entry_.inputs.at(i));
}

bool EmitContext::is_shape_dynamic(size_t i) const {
  return i < arg_count() && g_.dynamic().is_shape_dynamic(entry_.inputs[i]);
}

bool EmitContext::has_dynamic_axes() const {
  for (const auto& input : g_.trace().inputs)
    for (const auto& label : g_.dynamic().labels(input.value))
      if (!label.empty()) return true;
  return false;
}

// Converters that read an argument as a constant cannot follow a dynamic axis: say so
// instead of baking the traced size into the graph.
static void require_static(const EmitContext& cx, size_t i) {
  if (cx.is_shape_dynamic(i))
    throw cx.error("argument " + std::to_string(i) + " depends on a dynamic axis (--dynamic), which this converter needs constant");
}

int64_t EmitContext::int_arg(size_t i) const {
  require_static(*this, i);
  const auto& v = arg(i);
  if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Bool) return v.i;
  throw error("argument " + std::to_string(i) + " should be an int but is " + kind_name(v.kind));
}

double EmitContext::double_arg(size_t i) const {
  require_static(*this, i);
  const auto& v = arg(i);
  if (v.kind == Value::Kind::Double) return v.d;
  if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Bool) return static_cast<double>(v.i);
  throw error("argument " + std::to_string(i) + " should be a number but is " + kind_name(v.kind));
}

bool EmitContext::bool_arg(size_t i) const { return int_arg(i) != 0; }

std::vector<int64_t> EmitContext::ints_arg(size_t i) const {
  require_static(*this, i);
  const auto& v = arg(i);
  if (v.kind == Value::Kind::IntList) return v.ints;
  if (v.kind == Value::Kind::Int) return {v.i};
  throw error("argument " + std::to_string(i) + " should be an int list but is " + kind_name(v.kind));
}

std::string EmitContext::string_arg(size_t i) const {
  const auto& v = arg(i);
  if (v.kind == Value::Kind::String) return v.s;
  throw error("argument " + std::to_string(i) + " should be a string but is " + kind_name(v.kind));
}

std::vector<int64_t> EmitContext::per_dim(std::vector<int64_t> v, size_t n, const char* what) const {
  if (v.size() == 1 && n > 1) v.assign(n, v[0]);
  if (v.size() != n)
    throw error(std::string(what) + " has " + std::to_string(v.size()) + " values for " + std::to_string(n) +
                " spatial dims");
  return v;
}

std::string EmitContext::tensor(size_t i) {
  const auto& v = arg(i);
  if (is_shape_dynamic(i) && v.kind != Value::Kind::Tensor) {
    if (v.kind == Value::Kind::IntList) return ints_input(i);
    std::string name = g_.name_of(entry_.inputs[i]);
    if (name.empty()) throw error("argument " + std::to_string(i) + " (" + v.debug_name + ") has no ONNX value");
    return name;
  }
  switch (v.kind) {
    case Value::Kind::Tensor: {
      std::string name = g_.name_of(entry_.inputs[i]);
      if (name.empty()) throw error("argument " + std::to_string(i) + " (" + v.debug_name + ") has no ONNX value");
      return name;
    }
    case Value::Kind::Int: return const_scalar(static_cast<double>(v.i), DType::Int64);
    case Value::Kind::Bool: return const_scalar(static_cast<double>(v.i), DType::Bool);
    case Value::Kind::Double: return const_scalar(v.d, DType::Float);
    default: throw error("argument " + std::to_string(i) + " should be a tensor but is " + kind_name(v.kind));
  }
}

std::string EmitContext::tensor_as(size_t i, DType dtype) {
  const auto& v = arg(i);
  if (is_shape_dynamic(i) && v.kind == Value::Kind::Int) return cast(tensor(i), DType::Int64, dtype);
  if (is_shape_dynamic(i) && v.kind == Value::Kind::Double) return cast(tensor(i), DType::Double, dtype);
  if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Bool) return const_scalar(static_cast<double>(v.i), dtype);
  if (v.kind == Value::Kind::Double) return const_scalar(v.d, dtype);
  return cast(tensor(i), v.dtype, dtype);
}

std::vector<std::string> EmitContext::tensor_list(size_t i, bool allow_none) {
  const auto& v = arg(i);
  if (v.kind != Value::Kind::List && v.kind != Value::Kind::Tuple)
    throw error("argument " + std::to_string(i) + " should be a list of tensors but is " + kind_name(v.kind));
  std::vector<std::string> names;
  for (auto id : v.elements) {
    if (allow_none && g_.trace().values[id].kind == Value::Kind::None) {
      names.emplace_back();
      continue;
    }
    std::string name = g_.name_of(id);
    if (name.empty()) throw error("an element of argument " + std::to_string(i) + " has no ONNX value");
    names.push_back(name);
  }
  return names;
}

int64_t EmitContext::norm_dim(int64_t d, size_t rank) const {
  int64_t r = std::max<int64_t>(static_cast<int64_t>(rank), 1);
  if (d < -r || d >= r) throw error("dim " + std::to_string(d) + " is out of range for rank " + std::to_string(rank));
  return d < 0 ? d + r : d;
}

void EmitContext::set_list_output(size_t i, const std::vector<std::string>& names) {
  const auto& elements = out(i).elements;
  if (elements.size() != names.size())
    throw error("produced " + std::to_string(names.size()) + " pieces where the trace has " + std::to_string(elements.size()));
  for (size_t k = 0; k < names.size(); ++k) g_.bind(elements[k], names[k], index_);
}

std::string EmitContext::initializer(const std::string& hint, const TensorData& data) {
  return g_.add_initializer(fresh(hint), data, entry_.module());
}

std::string EmitContext::ints_input(size_t i, bool minus_one_to_one) {
  const auto& v = arg(i);
  if (!is_shape_dynamic(i)) {
    auto values = ints_arg(i);
    if (minus_one_to_one)
      for (auto& x : values) x = x == -1 ? 1 : x;
    return const_ints(values);
  }
  if (v.kind == Value::Kind::Int) return int_input(i);
  if (v.elements.empty()) {  // a whole list computed in the graph (aten::size without dim)
    std::string name = g_.name_of(entry_.inputs[i]);
    if (name.empty()) throw error("argument " + std::to_string(i) + " has no ONNX value");
    return name;
  }
  std::vector<std::string> parts;
  for (auto id : v.elements) {
    const auto& e = trace_value(id);
    if (!g_.dynamic().is_shape_dynamic(id)) {
      parts.push_back(const_ints({minus_one_to_one && e.i == -1 ? 1 : e.i}));
      continue;
    }
    std::string name = g_.name_of(id);
    if (name.empty()) throw error("an element of argument " + std::to_string(i) + " has no ONNX value");
    parts.push_back(apply("Reshape", {cast(name, e.kind == Value::Kind::Int ? DType::Int64 : e.dtype, DType::Int64),
                                      const_ints({1})},
                          false));
  }
  std::string out = fresh("Concat");
  set_attr(helper("Concat", parts, {out}), "axis", static_cast<int64_t>(0));
  return out;
}

std::string EmitContext::int_input(size_t i, bool as_scalar) {
  const auto& v = arg(i);
  if (!is_shape_dynamic(i)) return const_ints({int_arg(i)}, as_scalar);
  std::string name = cast(tensor(i), v.kind == Value::Kind::Tensor ? v.dtype : DType::Int64, DType::Int64);
  return as_scalar ? name : apply("Reshape", {name, const_ints({1})}, false);
}

const Value& EmitContext::trace_value(int64_t id) const { return g_.trace().values.at(id); }

const TensorData* EmitContext::constant_data(int64_t id) const { return mx::constant_data(g_.trace(), g_.dynamic(), id); }

std::string EmitContext::scalar_bytes(double value, DType dtype) const {
  std::string raw = encode_scalar(value, dtype);
  if (raw.empty()) throw error(std::string("cannot make a constant of type ") + dtype_name(dtype));
  return raw;
}

const Value& EmitContext::out(size_t i) const { return g_.trace().values.at(entry_.outputs.at(i)); }

onnx::NodeProto* EmitContext::node(const std::string& op_type, const std::vector<std::string>& inputs,
                                   const std::vector<std::string>& outputs) {
  return g_.add_node(op_type, inputs, outputs, NodeOrigin{node_entry_, true});
}

onnx::NodeProto* EmitContext::helper(const std::string& op_type, const std::vector<std::string>& inputs,
                                     const std::vector<std::string>& outputs) {
  return g_.add_node(op_type, inputs, outputs, NodeOrigin{node_entry_, false});
}

std::string EmitContext::apply(const std::string& op_type, const std::vector<std::string>& inputs, bool primary) {
  std::string out = fresh(op_type);
  if (primary)
    node(op_type, inputs, {out});
  else
    helper(op_type, inputs, {out});
  return out;
}

std::string EmitContext::fresh(const std::string& hint) { return g_.fresh_name(index_, hint); }

std::string EmitContext::const_ints(const std::vector<int64_t>& values, bool scalar) {
  std::string name = fresh("Constant");
  auto* n = helper("Constant", {}, {name});
  auto* a = add_attr(n, "value", onnx::AttributeProto::TENSOR);
  auto* t = a->mutable_t();
  t->set_data_type(static_cast<int32_t>(DType::Int64));
  if (!scalar) t->add_dims(static_cast<int64_t>(values.size()));
  for (auto v : values) t->add_int64_data(v);
  return name;
}

std::string EmitContext::const_scalar(double value, DType dtype) {
  std::string raw = encode_scalar(value, dtype);
  DType made = raw.empty() ? DType::Float : dtype;
  if (raw.empty()) raw = encode_scalar(value, DType::Float);
  std::string name = fresh("Constant");
  auto* n = helper("Constant", {}, {name});
  auto* t = add_attr(n, "value", onnx::AttributeProto::TENSOR)->mutable_t();
  t->set_data_type(static_cast<int32_t>(made));
  t->set_raw_data(raw);
  return cast(name, made, dtype);
}

std::string EmitContext::cast(const std::string& name, DType from, DType to) {
  if (from == to) return name;
  std::string out = fresh("Cast");
  set_attr(helper("Cast", {name}, {out}), "to", static_cast<int64_t>(to));
  return out;
}

void EmitContext::set_output(size_t i, const std::string& name) { g_.bind(entry_.outputs.at(i), name, index_); }

}  // namespace mx
