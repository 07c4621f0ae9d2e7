// trace_model: the example inputs through the interpreter, outputs flattened.
#include "base/error.h"
#include "torch/interpreter.h"
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

void flatten_outputs(const Trace& trace, int64_t id, std::vector<int64_t>& out) {
  const auto& v = trace.values[id];
  if (v.kind == Value::Kind::Tensor) {
    out.push_back(id);
    return;
  }
  if (v.kind != Value::Kind::Tuple && v.kind != Value::Kind::List)
    throw Error("model '" + trace.model_path + "': forward's output " + std::to_string(out.size()) + " is " +
                kind_name(v.kind) +
                "; modelexport exports tensor outputs (a tensor, or a tuple, list or dict of tensors)");
  for (auto e : v.elements) flatten_outputs(trace, e, out);
}

}  // namespace

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
  Interpreter tracer(module, trace, options.keep_values);
  auto results = tracer.run(module, tensors, input_names);
  for (auto id : results) flatten_outputs(trace, id, trace.outputs);
  trace.input_data = inputs;
  for (auto id : trace.outputs) trace.output_data.push_back(to_data(tracer.runtime(id).toTensor(), true));
  return trace;
}

}  // namespace mx
