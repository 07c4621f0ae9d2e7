// Converts a trace to ONNX through the operator registry.
#pragma once

#include <string>
#include <vector>

#include "convert/onnx_graph.h"
#include "convert/op_registry.h"
#include "model/dynamic_marks.h"
#include "model/trace.h"

namespace mx {

constexpr int kMinOpset = 14;
constexpr int kMaxOpset = 17;

struct ConvertOptions {
  int opset = 17;
  std::vector<std::string> output_names;  // defaults to output_0, output_1, ...
};

// Throws mx::Error naming `option` ("--output-names") if one of `names` is empty or
// repeated. convert() checks output names too, and also their count against the model's
// outputs and clashes with input names.
void check_names(const std::vector<std::string>& names, const std::string& option);

// Throws mx::Error for an op no registry entry converts (naming the op, its overload and
// its module), for arguments an emitter does not handle and for bad output names.
// `dynamic`: what depends on dynamic axes (analyze_dynamic_axes), read beside the trace.
ConvertedModel convert(const Trace& trace, const DynamicMarks& dynamic, const OpRegistry& registry,
                       const ConvertOptions& options);
// A static export: nothing depends on a dynamic axis.
ConvertedModel convert(const Trace& trace, const OpRegistry& registry, const ConvertOptions& options);

}  // namespace mx
