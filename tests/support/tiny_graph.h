// Small hand-made models for tests that run plugins in process: a module tree, trace
// entries and an ONNX graph whose nodes remember their trace entries, as core makes them.
#pragma once

#include <string>
#include <vector>

#include "convert/onnx_graph.h"
#include "model/trace.h"

namespace mx::test {

class TinyGraph {
 public:
  explicit TinyGraph(const std::string& root_class = "Net");

  // A module under `parent`; returns its index.
  int64_t module(int64_t parent, const std::string& attr, const std::string& class_name,
                 const std::string& qualified_class = "");
  // A trace entry run in `module` (call stack: root .. module); returns its index.
  int64_t entry(int64_t module, const std::string& op = "aten::op");
  // A graph input, an initializer owned by `owner` (-1: none), a graph output.
  void input(const std::string& name);
  void initializer(const std::string& name, int64_t owner);
  void output(const std::string& name);
  // A node; entry -1 means no traced op made it. Returns its index.
  int node(const std::string& op_type, const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
           int64_t entry = -1, bool primary = true);
  // ONNX value `name` carries a trace value that trace entry `producer` computed.
  void traced_value(const std::string& name, int64_t producer);

  Trace trace;
  ConvertedModel model;
};

}  // namespace mx::test
