// Element type names and small helpers of the trace data structures.
#include "model/trace.h"

namespace mx {
namespace {

struct DTypeName {
  const char* name;
  DType dtype;
  size_t size;
};

// The first name of each type is the one we print.
constexpr DTypeName kDTypes[] = {
    {"float32", DType::Float, 4},     {"float", DType::Float, 4},    {"float16", DType::Float16, 2},
    {"half", DType::Float16, 2},      {"float64", DType::Double, 8}, {"double", DType::Double, 8},
    {"bfloat16", DType::BFloat16, 2}, {"int64", DType::Int64, 8},    {"long", DType::Int64, 8},
    {"int32", DType::Int32, 4},       {"int", DType::Int32, 4},      {"int16", DType::Int16, 2},
    {"int8", DType::Int8, 1},         {"uint8", DType::UInt8, 1},    {"bool", DType::Bool, 1},
};

}  // namespace

const char* dtype_name(DType t) {
  for (const auto& d : kDTypes)
    if (d.dtype == t) return d.name;
  return "undefined";
}

DType dtype_from_name(const std::string& name) {
  for (const auto& d : kDTypes)
    if (name == d.name) return d.dtype;
  return DType::Undefined;
}

size_t dtype_size(DType t) {
  for (const auto& d : kDTypes)
    if (d.dtype == t) return d.size;
  return 0;
}

int64_t TensorData::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string Trace::module_label(int64_t module) const {
  if (module <= 0 || module >= static_cast<int64_t>(modules.size())) return "<root>";
  return modules[module].path;
}

}  // namespace mx
