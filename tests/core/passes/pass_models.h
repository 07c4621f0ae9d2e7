// Hand-built converted models for the pass tests: nodes with origins, float32
// initializers in raw_data or beside the proto, as GraphBuilder keeps parameters.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "convert/converted_model.h"
#include "onnx_io/model_io.h"

namespace mx::test {

inline onnx::NodeProto* add(ConvertedModel& m, const std::string& op, std::vector<std::string> ins,
                     std::vector<std::string> outs, int64_t entry) {
  auto* n = m.model.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name("/" + op + "_" + std::to_string(entry));
  for (auto& i : ins) n->add_input(i);
  for (auto& o : outs) n->add_output(o);
  m.origins.push_back({entry, true});
  return n;
}

// In raw_data, or (external) beside the proto as GraphBuilder keeps parameters.
inline void add_floats(ConvertedModel& m, const std::string& name, std::vector<int64_t> dims, std::vector<float> values,
                bool external = false) {
  auto* t = m.model.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) t->add_dims(d);
  if (!external) {
    t->set_raw_data(values.data(), values.size() * sizeof(float));
    return;
  }
  auto kept = std::make_shared<std::vector<float>>(std::move(values));
  m.external_data[name] = TensorData{DType::Float, dims, kept, kept->data(), kept->size() * sizeof(float)};
}

inline std::vector<float> floats(const ConvertedModel& m, const std::string& name) {
  for (const auto& t : m.model.graph().initializer())
    if (t.name() == name) {
      std::string_view bytes = initializer_bytes(m, t);
      std::vector<float> v(bytes.size() / 4);
      std::memcpy(v.data(), bytes.data(), bytes.size());
      return v;
    }
  return {};
}

}  // namespace mx::test
