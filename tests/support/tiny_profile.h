// ONNX Runtime profiles made by hand for the tiny tagged model's unit tests, as ORT writes them.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "support/test_env.h"
#include "support/tiny_tagged_model.h"
#include "tags/profile_fold.h"
#include "tags/profile_read.h"
#include "tags/tagged_model.h"

namespace mx::test {

// A profile as ORT writes it: each (name, op, dur) a kernel event with fences around it, in
// `runs` model_run spans.
inline std::string profile_text(const std::vector<std::tuple<std::string, std::string, double>>& kernels, int runs = 1) {
  std::string j = R"([{"cat": "Session", "name": "session_initialization", "ts": 0, "dur": 5, "args": {}})";
  double ts = 10;
  for (int r = 0; r < runs; ++r) {
    j += R"(, {"cat": "Session", "name": "model_run", "ts": )" + std::to_string(ts) + R"(, "dur": 1000, "args": {}})";
    for (const auto& [name, op, dur] : kernels) {
      for (const char* suffix : {"_fence_before", "_kernel_time", "_fence_after"})
        j += R"(, {"cat": "Node", "name": ")" + name + suffix + R"(", "ts": )" + std::to_string(ts + 1) +
             R"(, "dur": )" + std::to_string(std::string(suffix) == "_kernel_time" ? dur : 0.0) +
             R"(, "args": {"op_name": ")" + op + R"(", "provider": "CPUExecutionProvider"}})";
      ts += 10;
    }
    ts += 1000;
  }
  return j + "]";
}

struct Tiny {
  TempDir dir;
  TaggedModel model = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model()));
};

inline ProfileFold fold(const Tiny& t, const std::string& text, const onnx::ModelProto* ort = nullptr) {
  return fold_profile(t.model, parse_ort_profile(text, "p.json"), ort, ort ? "ort.onnx" : "");
}

}  // namespace mx::test
