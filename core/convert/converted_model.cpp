// Changes to a converted model that keep its side tables in step (see converted_model.h).
#include "convert/converted_model.h"

namespace mx {

void set_tensor_header(onnx::TensorProto& proto, const TensorData& data) {
  proto.set_data_type(static_cast<int32_t>(data.dtype));
  for (auto d : data.shape) proto.add_dims(d);
}

onnx::TensorProto* ConvertedModel::add_initializer(const std::string& name, const TensorData& data, int64_t owner) {
  auto* init = model.mutable_graph()->add_initializer();
  init->set_name(name);
  set_tensor_header(*init, data);
  external_data[name] = data;
  if (owner >= 0) initializer_owner[name] = owner;
  return init;
}

void ConvertedModel::remove_nodes(const std::vector<bool>& drop) {
  auto* nodes = model.mutable_graph()->mutable_node();
  std::vector<onnx::NodeProto> kept;
  std::vector<NodeOrigin> kept_origins;
  for (int i = 0; i < nodes->size(); ++i) {
    if (drop[i]) continue;
    kept.push_back(std::move((*nodes)[i]));
    kept_origins.push_back(origins[i]);
  }
  nodes->Clear();
  for (auto& n : kept) *nodes->Add() = std::move(n);
  origins = std::move(kept_origins);
}

void ConvertedModel::remove_initializers(const std::function<bool(const onnx::TensorProto&)>& keep) {
  auto* inits = model.mutable_graph()->mutable_initializer();
  for (int i = inits->size() - 1; i >= 0; --i) {
    if (keep((*inits)[i])) continue;
    initializer_owner.erase((*inits)[i].name());
    external_data.erase((*inits)[i].name());
    inits->DeleteSubrange(i, 1);
  }
}

void ConvertedModel::replace_output(int node, int index, const std::string& name) {
  auto& n = *model.mutable_graph()->mutable_node(node);
  value_ids.erase(n.output(index));
  n.set_output(index, name);
}

}  // namespace mx
