// Element type names and small helpers of the trace data structures.
#include "model/trace.h"

#include <set>

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

std::pair<int64_t, int64_t> Trace::specialised_control_flow() const {
  std::set<std::pair<std::string, int64_t>> branches, loops;
  for (const auto& c : control_flow) (c.loop ? loops : branches).insert({c.construct, c.module});
  return {static_cast<int64_t>(branches.size()), static_cast<int64_t>(loops.size())};
}

std::string Trace::control_flow_summary() const {
  auto [branches, loops] = specialised_control_flow();
  if (branches == 0 && loops == 0) return "";
  auto count = [](int64_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); };
  std::string text;
  if (branches > 0) text = count(branches, "branch", "branches");
  if (loops > 0) text += (text.empty() ? "" : " and ") + count(loops, "loop", "loops");
  return text + " specialised to the example input";
}

}  // namespace mx
