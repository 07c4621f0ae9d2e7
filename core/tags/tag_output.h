// Writing a strategy's answer into the model: node metadata_props and the sidecar JSON.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "plugin/graph_view.h"
#include "convert/onnx_graph.h"
#include "model/trace.h"

namespace mx {

// Metadata keys on every node (a contract: other tools read them).
inline constexpr const char* kTagKey = "modelexport.tag";
inline constexpr const char* kModuleKey = "modelexport.module";
inline constexpr const char* kDecisionKey = "modelexport.decision";
inline constexpr const char* kNamespaceKey = "namespace";  // Model Explorer folds by it

// The namespace value of a node with `tag`: the tag without its leading '/'. Model
// Explorer's ONNX adapter splits the value at '/' into layers (older releases keep an empty
// first level for a leading '/'), and PyTorch's dynamo exporter writes no leading separator.
std::string namespace_for_tag(const std::string& tag);

constexpr int kSidecarSchemaVersion = 1;

// Sets the four metadata keys on every node of `model` from `tags`.
void apply_tags(ConvertedModel& model, const Trace& trace, const TagResult& tags);

struct SidecarInfo {
  std::string model_path, onnx_path;
  int opset = 0;
  std::vector<std::pair<std::string, double>> seconds;  // phase -> wall seconds
};

// The sidecar JSON text (see sidecar.proto).
std::string sidecar_json(const ConvertedModel& model, const Trace& trace, const TagResult& tags,
                         const SidecarInfo& info);

// "out/model.onnx" -> "out/model_hierarchy.json"
std::string sidecar_path_for(const std::string& onnx_path);

// Node count per decision name.
std::map<std::string, int> decision_counts(const TagResult& tags);

// Nodes with a tag, and the distinct tags among them.
struct TagCounts {
  int tagged = 0;
  int distinct_tags = 0;
};
TagCounts count_tags(const TagResult& tags);

}  // namespace mx
