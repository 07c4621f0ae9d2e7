// What the trace records of a runtime value: kind, dtype and shape, scalar contents.
#include "torch/value_capture.h"

#include "torch/tensor_bridge.h"

namespace mx {

bool capture_leaf(const c10::IValue& iv, bool keep_value, Value& v) {
  if (iv.isTensor()) {
    const auto& t = iv.toTensor();
    v.kind = Value::Kind::Tensor;
    v.dtype = to_dtype(t.scalar_type());
    v.shape = t.sizes().vec();
    if (keep_value) v.observed = to_data(t, true);
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
  } else {
    return false;
  }
  return true;
}

std::vector<c10::IValue> container_items(const c10::IValue& iv) {
  if (iv.isList()) return iv.toListRef().vec();
  if (iv.isTuple()) return iv.toTupleRef().elements().vec();
  std::vector<c10::IValue> items;
  if (iv.isGenericDict())
    for (const auto& kv : iv.toGenericDict()) items.push_back(kv.value());
  return items;
}

}  // namespace mx
