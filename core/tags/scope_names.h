// PyTorch's exporter names nodes by module scope (torch/csrc/jit/passes/onnx/naming.cpp):
// "/layer1/layer1.0/conv1/Conv". This maps such names back to modules of a module tree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/trace.h"
#include "tags/unqualified_name.h"

namespace mx {

struct ScopedName {
  bool has_scope = false;           // the name starts with '/' (PyTorch's scoped form)
  std::vector<std::string> scopes;  // one per module call level: {"layer1", "layer1.0", "conv1"}; empty: root
};

// "/layer1/layer1.0/conv1/Conv_2" -> {true, {layer1, layer1.0, conv1}}; "Conv_12" -> {false, {}}.
ScopedName parse_scoped_name(const std::string& node_name);


class ScopeResolver {
 public:
  explicit ScopeResolver(const std::vector<Module>& modules);

  struct Result {
    int64_t module = -1;         // -1: some scope names no module of the tree
    bool repeated_call = false;  // the last scope carried a "_N" suffix of a repeated call
  };
  // Walks down from the root: each scope names the shallowest descendant (through modules
  // that are never called, like ModuleList) whose unqualified name it is. Only the last
  // scope may carry "_N" (PyTorch makes the whole scope path unique), tried after the
  // exact name so that an attribute really called "relu_1" still wins.
  Result resolve(const std::vector<std::string>& scopes) const;

 private:
  int64_t find_below(int64_t parent, const std::string& scope) const;
  bool names(int64_t module, const std::string& scope) const;

  const std::vector<Module>& modules_;
  std::vector<std::string> unqualified_;
  std::vector<std::vector<std::string>> other_unqualified_;  // of Module::other_paths
};

}  // namespace mx
