// The graph as plugins see it through the C ABI (mx_graph_t), and what they answer.
#pragma once

#include <modelexport/plugin.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convert/onnx_graph.h"
#include "plugin/plugin_registry.h"
#include "model/trace.h"
#include "tags/decisions.h"

namespace mx {

// One strategy's answer: a tag per module and a (module, decision) per node.
struct TagResult {
  std::string strategy;
  std::string strategy_version;
  std::vector<std::optional<std::string>> module_tags;
  std::vector<int64_t> node_module;    // -1: untagged
  std::vector<int32_t> node_decision;  // MX_DECISION_*
  double seconds = 0;
};

// The host's function table, shared by every plugin.
const mx_host_api_t* host_api();

// The MX_STATUS_* code of a status the host made (0 for NULL); plugins see only messages.
int32_t status_code(const mx_status_t* status);

}  // namespace mx

// Defined here, opaque to plugins: read-only indexes over one converted model, plus the
// strategy's answers as they come in.
struct mx_graph_t {
  struct NodeView {
    std::vector<int64_t> inputs, outputs;
  };
  struct ValueView {
    std::string name;
    int32_t kind = MX_VALUE_INTERMEDIATE;
    bool is_graph_output = false;
    int64_t producer = MX_NONE;
    std::vector<int64_t> consumers;
    int64_t owner_module = MX_NONE;
    int32_t elem_type = 0;
    std::vector<int64_t> dims;
    bool has_shape = false;
    int64_t trace_entry = MX_NONE;  // the trace entry that computed its trace value
  };

  mx_graph_t(const mx::Trace& trace, const mx::ConvertedModel& model, const std::string& plugin);

  const mx::Trace& trace;
  const mx::ConvertedModel& model;
  std::string plugin;                             // for log lines
  const mx::AuxiliaryTable* auxiliary = nullptr;  // from the plugin manifests; may stay null
  std::vector<NodeView> nodes;
  std::vector<ValueView> values;
  mx::TagResult result;
};
