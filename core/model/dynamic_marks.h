// What depends on a dynamic axis, beside the trace it describes, and the one rule that says
// which traced values the graph must compute and which traced ops are folded away.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/trace.h"

namespace mx {

// The result of dynamic-axis analysis (see dynamic_axes.h); empty for a static export.
// Indexed by trace value id; ids past the end are static.
struct DynamicMarks {
  // A number, list or tensor computed from the size of a dynamic axis, which the graph must
  // compute instead of taking the traced value.
  std::vector<char> shape_dynamic;
  // Tensors: per dim, "" if static, else the name of the dynamic dim (dim_param).
  std::vector<std::vector<std::string>> dim_labels;

  bool is_shape_dynamic(int64_t id) const;
  // The dim labels of value `id`; empty if it has none.
  const std::vector<std::string>& labels(int64_t id) const;
};

// True when value `id`, or an element of it, must be computed by the graph: a tensor whose
// value the trace did not fold, or anything computed from a dynamic size.
bool depends_on_inputs(const Trace& trace, const DynamicMarks& dynamic, int64_t id);

// True when trace entry `entry` has nothing to emit: none of its outputs depends on the
// inputs (sizes and other scalars are known in a static export; constant tensors become
// initializers where used).
bool is_folded(const Trace& trace, const DynamicMarks& dynamic, int64_t entry);

// The bytes of tensor value `id` when it is a constant of the exported graph, else null.
const TensorData* constant_data(const Trace& trace, const DynamicMarks& dynamic, int64_t id);

}  // namespace mx
