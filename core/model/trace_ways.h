// How a trace ran its ops (see core/torch/meta_trace.h): on LibTorch's meta device (shapes
// alone), through a shape rule of ours, or on real data (values the graph needs, folds of
// weights, or everything when the meta trace was not used). For the export's summary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mx {

// TorchScript ops (nodes, and loop trips) a trace runs before it stops with an error
// (--max-ops; 0: no limit).
constexpr int64_t kDefaultMaxTraceOps = 1000000;

struct TraceWays {
  std::string mode = "real";  // "meta" or "real"
  std::string why_real;       // why a meta trace ran for real ("" when asked to)
  int64_t meta = 0, shape_rule = 0, real = 0;
  std::vector<std::string> fallback_ops;  // ops that had no meta kernel, each once
};

}  // namespace mx
