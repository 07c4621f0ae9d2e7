// `modelexport extract`: one module (by path or tag), or every instance of a class, of a
// tagged ONNX file as standalone ONNX models, with their tags and a sidecar each.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "onnx_io/external_plan.h"
#include "tags/subgraph.h"
#include "tags/tagged_model.h"

namespace mx {

struct ExtractRequest {
  std::string module_path;  // --module; "" and !has_module_path: not given
  bool has_module_path = false;
  std::string tag;     // --tag
  std::string all_of;  // --all-of CLASS
  std::string output;  // OUT.onnx, or a folder with all_of
  ExternalDataOptions external;  // how each OUT.onnx keeps its weights (the source's external ones are mapped)
};

struct ExtractedModule {
  int module = -1;
  std::string onnx_path, sidecar_path;  // sidecar_path "" when the source has no sidecar
  std::string data_path;                // "" when its weights are inline
  std::vector<std::string> inputs, outputs;
  int nodes = 0, initializers = 0, regions = 0;
  std::map<std::string, int> op_types;
};

struct ExtractReport {
  std::vector<ExtractedModule> written;
  std::vector<int> skipped;  // --all-of instances without nodes
};

// Resolves the request against `model` (unknown paths, tags and classes fail with close
// matches), extracts, and writes every file or none. Throws mx::Error with the reason.
ExtractReport extract_modules(const TaggedModel& model, const ExtractRequest& request);

// The module `request` names (for --module / --tag); throws with close matches if none.
int resolve_module(const TaggedModel& model, const ExtractRequest& request);

}  // namespace mx
