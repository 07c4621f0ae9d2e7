// Reading an ONNX Runtime profile (the JSON array of trace events that SessionOptions'
// enable_profiling writes, from any binding): its per-node kernel events and their runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mx {

// One `"cat": "Node"` event named `<node>_kernel_time`.
struct ProfileEvent {
  std::string node;      // ONNX Runtime's node name (its optimized graph's, when optimized)
  std::string op_type;   // args.op_name ("FusedConv", "Gelu", ... after fusion)
  std::string provider;  // args.provider, "" if absent
  double dur_us = 0;
  double ts_us = 0;
  int run = 0;  // index of the model_run event the node ran in (0 without any)
};

struct OrtProfile {
  std::string path;
  std::vector<ProfileEvent> events;  // in file order
  int runs = 0;                      // model_run events; 1 if there are none
  double node_us = 0;                // sum of the events' durations
};

// Throws mx::Error naming the file and the reason: unreadable, not JSON (with the byte where
// parsing stopped), not an array of trace events, no node kernel events, an event without a
// name or a numeric duration.
OrtProfile read_ort_profile(const std::string& path);

// The same on text already read; `path` names it in messages.
OrtProfile parse_ort_profile(const std::string& text, const std::string& path);

}  // namespace mx
