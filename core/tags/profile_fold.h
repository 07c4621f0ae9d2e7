// An ONNX Runtime profile folded into the module tree of a tagged file: per module its own
// nodes' time (self), with its descendants' (total), the runs it ran in and time per op type;
// every event either lands on a module or on the list of what could not be attributed.
#pragma once

#include <onnx/onnx_pb.h>

#include <map>
#include <string>
#include <vector>

#include "tags/profile_read.h"
#include "tags/tagged_model.h"

namespace mx {

struct ModuleTime {
  double self_us = 0, total_us = 0;
  int events = 0;  // node events of it and its descendants
  int calls = 0;   // runs of the profile in which any of those ran
  std::map<std::string, double> op_us;  // op type (as ORT ran it) -> microseconds, with descendants
};

// One ORT node name whose events no module got, and why.
struct UnattributedNode {
  std::string node, op_type, reason;
  double us = 0;
  int events = 0;
};

struct ProfileFold {
  std::string profile_path, ort_graph_path;
  std::vector<ModuleTime> modules;  // parallel to TaggedModel::modules
  std::vector<UnattributedNode> unattributed;  // slowest first
  double node_us = 0, unattributed_us = 0;     // node_us = root total + unattributed_us
  int events = 0, runs = 0, unattributed_events = 0;
  std::map<std::string, int> rules;  // match rule name -> events attributed by it
  int names = 0, names_matched = 0;  // distinct ORT node names in the profile, and matched
  std::map<std::string, double> seconds;  // wall time per phase (filled by the caller)
};

// Folds `profile` into `model`'s tree; `ort_graph` (may be null; `ort_graph_path` names it) is
// ORT's optimized graph of the profiled session. Throws mx::Error when fewer than half of the
// profile's node names match (the profile, or the ORT graph, is of another model), saying how
// many matched.
ProfileFold fold_profile(const TaggedModel& model, const OrtProfile& profile, const onnx::ModelProto* ort_graph,
                         const std::string& ort_graph_path = "");

}  // namespace mx
