// Which traced values and ops the graph computes (see dynamic_marks.h).
#include "model/dynamic_marks.h"

#include <set>

namespace mx {

bool DynamicMarks::is_shape_dynamic(int64_t id) const {
  return id >= 0 && id < static_cast<int64_t>(shape_dynamic.size()) && shape_dynamic[id];
}

const std::vector<std::string>& DynamicMarks::labels(int64_t id) const {
  static const std::vector<std::string> none;
  return id >= 0 && id < static_cast<int64_t>(dim_labels.size()) ? dim_labels[id] : none;
}

bool depends_on_inputs(const Trace& trace, const DynamicMarks& dynamic, int64_t id) {
  if (dynamic.is_shape_dynamic(id)) return true;
  const auto& v = trace.values[id];
  if (v.kind == Value::Kind::Tensor) return v.data == nullptr;
  for (auto e : v.elements)
    if (depends_on_inputs(trace, dynamic, e)) return true;
  return false;
}

bool is_folded(const Trace& trace, const DynamicMarks& dynamic, int64_t entry) {
  for (auto out : trace.entries[entry].outputs)
    if (depends_on_inputs(trace, dynamic, out)) return false;
  return true;
}

DynamicMarks with_numbers_read_from_inputs(const Trace& trace, const DynamicMarks& dynamic) {
  static const std::set<std::string> kValueReads{"aten::item", "aten::Int",         "aten::Float",  "aten::Bool",
                                                 "aten::ScalarImplicit", "aten::is_nonzero", "aten::tolist", "prim::tolist"};
  DynamicMarks out = dynamic;
  out.shape_dynamic.resize(trace.values.size(), 0);
  // Only what a value read starts: a size or rank of a dynamic tensor is the dynamic-axis
  // analysis's business (it knows which dims change), not a number read from the inputs.
  std::vector<char> read(trace.values.size(), 0);
  auto from_read = [&](int64_t id, auto& self) -> bool {
    if (read[id]) return true;
    for (auto e : trace.values[id].elements)
      if (self(e, self)) return true;
    return false;
  };
  for (const auto& e : trace.entries) {
    bool from_inputs = false;
    for (auto in : e.inputs) {
      const auto& v = trace.values[in];
      from_inputs = from_inputs || from_read(in, from_read) || (kValueReads.count(e.op) && v.is_tensor() && !v.data);
    }
    if (!from_inputs) continue;
    // Tensors the trace did not fold are computed anyway; numbers, lists and folded tensors
    // would keep their traced values.
    for (auto o : e.outputs) {
      const auto& v = trace.values[o];
      if (!v.is_tensor() || v.data) read[o] = out.shape_dynamic[o] = 1;
      for (auto el : v.elements) read[el] = out.shape_dynamic[el] = 1;
    }
  }
  return out;
}

const TensorData* constant_data(const Trace& trace, const DynamicMarks& dynamic, int64_t id) {
  const auto& v = trace.values[id];
  if (!v.is_constant_tensor() || dynamic.is_shape_dynamic(id)) return nullptr;
  return v.data.get();
}

}  // namespace mx
