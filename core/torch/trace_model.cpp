// trace_model: the example inputs through the interpreter, outputs flattened.
#include <cstdlib>

#include "base/error.h"
#include "model/trace_compare.h"
#include "torch/data_cone.h"
#include "torch/interpreter.h"
#include "torch/meta_trace.h"
#include "torch/model_file.h"
#include "torch/tensor_bridge.h"
#include "torch/torchscript.h"

namespace mx {
namespace {

namespace jit = torch::jit;

const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::Int: return "an int";
    case Value::Kind::Double: return "a float";
    case Value::Kind::Bool: return "a bool";
    case Value::Kind::None: return "None";
    case Value::Kind::String: return "a string";
    default: return "not a tensor";
  }
}

// Tensors in order; anything else is refused, named by where it sits in what forward
// returned ("output [1][0]", "output ['label']"; "output 0" when forward returns it alone).
// `type` is the IR's (a NamedTuple's field names are in its type, not in the runtime tuple).
void flatten_outputs(Trace& trace, int64_t id, const c10::IValue& iv, const c10::TypePtr& type, const std::string& at,
                     std::vector<int64_t>& out, const std::string& field = "") {
  const auto& v = trace.values[id];
  if (v.kind == Value::Kind::Tensor) {
    out.push_back(id);
    return;
  }
  // GoogLeNetOutputs(logits, None, None) in eval: the aux outputs are left out, and said.
  if (v.kind == Value::Kind::None && !field.empty()) {
    trace.dropped_outputs.push_back(at + (field == "?" ? "" : " " + field));
    return;
  }
  if (v.kind != Value::Kind::Tuple && v.kind != Value::Kind::List)
    throw Error("model '" + trace.model_path + "': forward's output " + (at.empty() ? "0" : at) + " is " +
                kind_name(v.kind) +
                "; modelexport exports tensor outputs (a tensor, or a tuple, list or dict of tensors)");
  std::vector<std::string> keys;
  if (iv.isGenericDict())
    for (const auto& item : iv.toGenericDict()) keys.push_back(item.key().isString() ? "'" + item.key().toStringRef() + "'" : "?");
  std::vector<c10::IValue> items = iv.isTuple() ? iv.toTupleRef().elements().vec()
                                   : iv.isList()  ? iv.toListRef().vec()
                                                  : std::vector<c10::IValue>{};
  if (iv.isGenericDict())
    for (const auto& item : iv.toGenericDict()) items.push_back(item.value());
  // A container changed in a way the trace did not follow would lose outputs silently.
  if (items.size() != v.elements.size())
    throw Error("model '" + trace.model_path + "': forward's output " + (at.empty() ? "0" : at) + " holds " +
                std::to_string(items.size()) + " items but the trace followed " + std::to_string(v.elements.size()) +
                " of them (an item stored in it by an operation modelexport does not track)");
  // A tuple's items may be None (dropped above): "?" when it names no fields.
  std::vector<std::string> fields;
  std::vector<c10::TypePtr> types(items.size(), c10::AnyType::get());
  if (auto tuple = type->cast<c10::TupleType>(); tuple && tuple->elements().size() == items.size()) {
    auto schema = tuple->schema();
    for (size_t i = 0; i < items.size(); ++i) {
      fields.push_back(schema ? schema->arguments().at(i).name() : "?");
      types[i] = tuple->elements()[i];
    }
  } else if (iv.isTuple()) {
    fields.assign(items.size(), "?");
  }
  for (size_t i = 0; i < v.elements.size(); ++i)
    flatten_outputs(trace, v.elements[i], i < items.size() ? items[i] : c10::IValue(), types.at(i),
                    at + "[" + (i < keys.size() ? keys[i] : std::to_string(i)) + "]", out,
                    i < fields.size() ? fields[i] : "");
}

}  // namespace

Trace trace_model(const std::string& model_path, const std::vector<std::string>& input_names,
                  const std::vector<std::shared_ptr<TensorData>>& inputs, const TraceOptions& options) {
  return trace_model(TorchModel(model_path), input_names, inputs, options);
}

namespace {

// One run of the interpreter; a meta trace (cone given) may throw MetaAbandoned.
Trace run_trace(const TorchModel& model, const std::vector<std::string>& input_names,
                const std::vector<std::shared_ptr<TensorData>>& inputs, const TraceOptions& options,
                const DataCone* cone, TraceWays& ways) {
  Trace trace;
  trace.model_path = model.path();
  const jit::Module& module = model.module().module;
  std::vector<at::Tensor> tensors;
  // A real trace may write into its inputs; a meta trace writes none (check_real_call).
  for (size_t i = 0; i < inputs.size(); ++i) {
    try {
      tensors.push_back(cone ? borrow_data(inputs[i]) : from_data(*inputs[i]));
    } catch (const std::exception& e) {  // out of memory: LibTorch's allocator text, in words
      throw Error("model '" + trace.model_path + "': input '" + (i < input_names.size() ? input_names[i] : "") +
                  "' (" + std::to_string(inputs[i]->nbytes) + " bytes) cannot be copied for --trace real: " +
                  message_of(e) + "; the default meta trace reads it in place, without a copy");
    }
  }
  Interpreter tracer(module, trace, options.keep_values);
  tracer.limit_ops(options.max_ops);
  if (cone) tracer.use_meta(cone);
  auto results = tracer.run(module, tensors, input_names, options.args);
  const auto& returns = tracer.forward()->getSchema().returns();
  for (size_t i = 0; i < results.size(); ++i)
    flatten_outputs(trace, results[i], tracer.runtime(results[i]),
                    i < returns.size() ? returns[i].type() : c10::AnyType::get(), "", trace.outputs);
  if (trace.outputs.empty()) throw Error("model '" + trace.model_path + "': forward returns no tensor");
  trace.input_data = inputs;
  for (auto id : trace.outputs) {
    const auto& t = tracer.runtime(id).toTensor();
    if (!t.is_meta()) trace.output_data.push_back(to_data(t, true));
  }
  if (trace.output_data.size() != trace.outputs.size()) trace.output_data.clear();  // a meta trace computed none
  ways = tracer.ways();
  return trace;
}

// --check, or the environment's MODELEXPORT_CHECK_TRACE=1 (the test suites set it).
bool checked(const TraceOptions& options) {
  const char* env = std::getenv("MODELEXPORT_CHECK_TRACE");
  return options.check || (env && std::string(env) == "1");
}

}  // namespace

Trace trace_model(const TorchModel& model, const std::vector<std::string>& input_names,
                  const std::vector<std::shared_ptr<TensorData>>& inputs, const TraceOptions& options) {
  c10::InferenceMode guard;
  TraceWays ways, real_ways;
  std::string why_real;
  if (options.mode == TraceOptions::Mode::Meta && !options.keep_values) {
    DataCone cone(model.module().module);
    if (2 * cone.cone_ops() > cone.total_ops()) {
      why_real = "the values read from data need " + std::to_string(cone.cone_ops()) + " of its " +
                 std::to_string(cone.total_ops()) + " ops";
    } else {
      try {
        Trace trace = run_trace(model, input_names, inputs, options, &cone, ways);
        if (checked(options)) {
          Trace real = run_trace(model, input_names, inputs, options, nullptr, real_ways);
          check_meta_trace(trace, real);
          trace.output_data = real.output_data;
        }
        if (options.ways) *options.ways = ways;
        return trace;
      } catch (const MetaAbandoned& a) {
        why_real = a.why;
      }
    }
  }
  Trace trace = run_trace(model, input_names, inputs, options, nullptr, ways);
  ways.why_real = why_real;
  if (options.ways) *options.ways = ways;
  return trace;
}

}  // namespace mx
