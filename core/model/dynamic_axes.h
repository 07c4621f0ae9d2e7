// Dynamic axes (--dynamic NAME:AXIS[:LABEL]): which traced values depend on the size of a
// declared axis, found by tracing the model a second time with those axes resized and
// comparing the two traces.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/dynamic_marks.h"
#include "model/input_spec.h"
#include "model/trace.h"

namespace mx {

struct DynamicAxis {
  std::string input;
  int64_t axis = 0;
  std::string label;  // dim_param in the ONNX file; default "<input>_dim<axis>"
};

// Throws mx::Error naming the text and what is wrong with it.
DynamicAxis parse_dynamic_axis(const std::string& text);

// The input specs of the second trace: every dynamic axis one larger. Throws mx::Error for an
// axis that names no input or a dim the input does not have.
std::vector<InputSpec> resized_inputs(const std::vector<InputSpec>& specs, const std::vector<DynamicAxis>& axes);

// What of `trace` depends on dynamic axes, found by comparing it with `resized`, the same
// model traced on resized_inputs(); neither trace changes. Throws mx::Error if the two
// traces ran different ops (control flow that depends on a size).
DynamicMarks analyze_dynamic_axes(const Trace& trace, const Trace& resized, const std::vector<DynamicAxis>& axes);

}  // namespace mx
