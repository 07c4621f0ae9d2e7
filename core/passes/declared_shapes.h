// Declared graph output shapes under --dynamic: a dim is declared static only where it
// cannot change with the dynamic axes.
#pragma once

#include "convert/onnx_graph.h"

namespace mx {

// Two traces (see dynamic_axes.h) only show the dims that differ between their two sizes:
// `size(0) // 4 + 1` is 2 at both 4 and 5 yet changes at 8, and so does a stride-4 conv's
// output size. So every output dim still declared static is checked with ONNX shape
// inference (with data propagation) on the converted graph: it stays static only if
// inference proves that value; otherwise it becomes symbolic (the input's label when
// inference says it follows one, else a fresh "dim_N"). Call it under --dynamic, or when
// has_data_dependent_sizes says some size follows the input's values.
void relax_static_dims(ConvertedModel& model);

// True if a node's output size depends on the values of its inputs (NonZero, Unique,
// Compress, NonMaxSuppression): the traced sizes are the example's, not the model's.
bool has_data_dependent_sizes(const ConvertedModel& model);

}  // namespace mx
