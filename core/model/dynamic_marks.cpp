// Which traced values and ops the graph computes (see dynamic_marks.h).
#include "model/dynamic_marks.h"

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

const TensorData* constant_data(const Trace& trace, const DynamicMarks& dynamic, int64_t id) {
  const auto& v = trace.values[id];
  if (!v.is_constant_tensor() || dynamic.is_shape_dynamic(id)) return nullptr;
  return v.data.get();
}

}  // namespace mx
