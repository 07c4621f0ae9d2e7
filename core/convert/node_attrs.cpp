// Attributes and raw constant bytes of the ONNX nodes that emitters make.
#include "convert/node_attrs.h"

#include <cstring>

namespace mx {
namespace {

template <typename T>
std::string bytes_of(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

}  // namespace

onnx::AttributeProto* add_attr(onnx::NodeProto* node, const std::string& name,
                               onnx::AttributeProto::AttributeType type) {
  auto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(type);
  return a;
}

std::string encode_scalar(double value, DType dtype) {
  switch (dtype) {
    case DType::Float: return bytes_of(static_cast<float>(value));
    case DType::Double: return bytes_of(value);
    case DType::Int64: return bytes_of(static_cast<int64_t>(value));
    case DType::Int32: return bytes_of(static_cast<int32_t>(value));
    case DType::Int16: return bytes_of(static_cast<int16_t>(value));
    case DType::Int8: return bytes_of(static_cast<int8_t>(value));
    case DType::UInt8: return bytes_of(static_cast<uint8_t>(value));
    case DType::Bool: return bytes_of(static_cast<uint8_t>(value != 0));
    default: return "";
  }
}

void set_attr(onnx::NodeProto* node, const std::string& name, int64_t value) {
  add_attr(node, name, onnx::AttributeProto::INT)->set_i(value);
}
void set_attr(onnx::NodeProto* node, const std::string& name, float value) {
  add_attr(node, name, onnx::AttributeProto::FLOAT)->set_f(value);
}
void set_attr(onnx::NodeProto* node, const std::string& name, const std::vector<int64_t>& values) {
  auto* a = add_attr(node, name, onnx::AttributeProto::INTS);
  for (auto v : values) a->add_ints(v);
}
void set_attr(onnx::NodeProto* node, const std::string& name, const std::string& value) {
  add_attr(node, name, onnx::AttributeProto::STRING)->set_s(value);
}

}  // namespace mx
