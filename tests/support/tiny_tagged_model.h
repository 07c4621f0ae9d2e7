// A hand-made tagged model for unit tests of reading tags back, validating and extracting:
// small enough to reason about every node, with the awkward cases built in (a hidden
// ModuleList, a module called twice, a root Constant feeding a block).
#pragma once

#include <onnx/onnx_pb.h>

#include <fstream>
#include <string>
#include <vector>

#include "onnx_io/node_metadata.h"
#include "tags/tag_output.h"

namespace mx::test {

// Net (root)                   /Net
//   act      ReLU, called twice /Net/ReLU
//   enc      Encoder            /Net/Encoder
//     enc.blocks ModuleList     (hidden: /Net/Encoder)
//       enc.blocks.0 Block      /Net/Encoder/Block.0
//       enc.blocks.1 Block      /Net/Encoder/Block.1
//   head     Linear             /Net/Linear
// Nodes: 0 /Constant (root) -> c; 1 /act/Relu x->a; 2 /enc/blocks.0/MatMul a,W0->b0;
// 3 /enc/blocks.0/Add b0,c->b1; 4 /enc/blocks.1/MatMul b1,W1->b2; 5 /act_1/Relu b2->a2;
// 6 /head/MatMul a2,Wh->y. x, every W and y are float [2,2] / [2,2].
struct TinyModule {
  const char* path;
  const char* class_name;
  const char* tag;
  int parent;
};
inline const std::vector<TinyModule>& tiny_modules() {
  static const std::vector<TinyModule> m{
      {"", "Net", "/Net", -1},
      {"act", "ReLU", "/Net/ReLU", 0},
      {"enc", "Encoder", "/Net/Encoder", 0},
      {"enc.blocks", "ModuleList", "/Net/Encoder", 2},
      {"enc.blocks.0", "Block", "/Net/Encoder/Block.0", 3},
      {"enc.blocks.1", "Block", "/Net/Encoder/Block.1", 3},
      {"head", "Linear", "/Net/Linear", 0},
  };
  return m;
}

struct TinyNode {
  const char* name;
  const char* op;
  std::vector<std::string> inputs, outputs;
  int module;  // index in tiny_modules()
};
inline const std::vector<TinyNode>& tiny_nodes() {
  static const std::vector<TinyNode> n{
      {"/Constant", "Constant", {}, {"c"}, 0},
      {"/act/Relu", "Relu", {"x"}, {"a"}, 1},
      {"/enc/blocks.0/MatMul", "MatMul", {"a", "W0"}, {"b0"}, 4},
      {"/enc/blocks.0/Add", "Add", {"b0", "c"}, {"b1"}, 4},
      {"/enc/blocks.1/MatMul", "MatMul", {"b1", "W1"}, {"b2"}, 5},
      {"/act_1/Relu", "Relu", {"b2"}, {"a2"}, 1},
      {"/head/MatMul", "MatMul", {"a2", "Wh"}, {"y"}, 6},
  };
  return n;
}

inline void set_float_type(onnx::ValueInfoProto* v, const std::string& name) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  t->mutable_shape()->add_dim()->set_dim_value(2);
  t->mutable_shape()->add_dim()->set_dim_value(2);
}

inline onnx::ModelProto tiny_tagged_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("tiny");
  set_float_type(g->add_input(), "x");
  set_float_type(g->add_output(), "y");
  for (const char* w : {"W0", "W1", "Wh"}) {
    auto* t = g->add_initializer();
    t->set_name(w);
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(2);
    t->add_dims(2);
    for (float v : {1.0f, 2.0f, 3.0f, 4.0f}) t->add_float_data(v);
  }
  for (const auto& tn : tiny_nodes()) {
    auto* node = g->add_node();
    node->set_name(tn.name);
    node->set_op_type(tn.op);
    for (const auto& i : tn.inputs) node->add_input(i);
    for (const auto& o : tn.outputs) node->add_output(o);
    if (std::string(tn.op) == "Constant") {
      auto* attr = node->add_attribute();
      attr->set_name("value");
      attr->set_type(onnx::AttributeProto::TENSOR);
      attr->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
      attr->mutable_t()->add_float_data(0.5f);
    }
    const auto& mod = tiny_modules()[tn.module];
    add_node_metadata(*node, kTagKey, mod.tag);
    add_node_metadata(*node, kModuleKey, mod.path);
    add_node_metadata(*node, kDecisionKey, tn.module == 0 ? "root" : "direct");
    add_node_metadata(*node, kNamespaceKey, std::string(mod.tag).substr(1));
  }
  return m;
}

// The sidecar of tiny_tagged_model(), written as the exporter writes it (by hand here, so
// that reading it back does not depend on our own writer).
inline std::string tiny_sidecar_json() {
  std::string j = R"({"schema_version": 1, "model": "tiny.pt", "onnx": "tiny.onnx", "strategy": "htp",
  "strategy_version": "0.1.0", "summary": {"nodes": 7, "tagged": 7, "modules": 7, "opset": 17}, "modules": [)";
  for (size_t i = 0; i < tiny_modules().size(); ++i) {
    const auto& m = tiny_modules()[i];
    j += std::string(i ? ", " : "") + R"({"path": ")" + m.path + R"(", "class_name": ")" + m.class_name +
         R"(", "tag": ")" + m.tag + R"(", "parent": )" + std::to_string(m.parent) + "}";
  }
  j += R"(], "nodes": [)";
  for (size_t i = 0; i < tiny_nodes().size(); ++i) {
    const auto& n = tiny_nodes()[i];
    const auto& m = tiny_modules()[n.module];
    j += std::string(i ? ", " : "") + R"({"name": ")" + n.name + R"(", "op_type": ")" + n.op + R"(", "tag": ")" +
         m.tag + R"(", "module": ")" + m.path + R"(", "decision": ")" + (n.module == 0 ? "root" : "direct") + "\"}";
  }
  return j + "]}";
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Writes DIR/tiny.onnx (+ DIR/tiny_hierarchy.json unless with_sidecar is false); returns the .onnx path.
inline std::string write_tiny(const std::string& dir, const onnx::ModelProto& model, bool with_sidecar = true,
                              const std::string& sidecar = tiny_sidecar_json()) {
  std::string onnx = dir + "/tiny.onnx";
  write_text(onnx, model.SerializeAsString());
  if (with_sidecar) write_text(dir + "/tiny_hierarchy.json", sidecar);
  return onnx;
}

}  // namespace mx::test
