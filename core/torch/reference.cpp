// LibTorch's own forward, the reference the trace and exported models are checked against.
#include "torch/forward_method.h"
#include "torch/model_file.h"
#include "torch/tensor_bridge.h"
#include "torch/torchscript.h"

namespace mx {
namespace {

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

std::vector<std::shared_ptr<TensorData>> run_reference(const std::string& model_path,
                                                       const std::vector<std::shared_ptr<TensorData>>& inputs) {
  c10::InferenceMode guard;
  auto module = load_module(model_path);
  std::vector<c10::IValue> args;
  std::vector<at::Tensor> tensors;
  for (const auto& d : inputs) {
    tensors.push_back(from_data(*d));
    args.emplace_back(tensors.back());
  }
  std::string method = "forward";
  if (!module.find_method(method))  // an overloaded forward: the one these tensors bind to
    method = choose_forward(module, {}, tensors, {}, model_path).method->name();
  std::vector<std::shared_ptr<TensorData>> out;
  flatten_ivalue(module.get_method(method)(args), out);
  return out;
}

}  // namespace mx
