// Reading the module stacks torch 2.x's ONNX exporter writes on nodes (format from
// _set_node_metadata in torch/onnx/_internal/exporter/_core.py).
#include "tags/torch_metadata.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "onnx_io/node_metadata.h"

namespace mx {
namespace {

onnx::NodeProto* add_node(onnx::GraphProto& g, const std::string& scopes, const std::string& classes) {
  auto* n = g.add_node();
  n->set_name("node_" + std::to_string(g.node_size()));
  n->set_op_type("Relu");
  if (!scopes.empty()) add_node_metadata(*n, kNameScopesKey, scopes);
  if (!classes.empty()) add_node_metadata(*n, kClassHierarchyKey, classes);
  return n;
}

TEST(PythonStrList, ReadsWhatReprWrites) {
  EXPECT_EQ(parse_python_str_list("[]"), std::vector<std::string>{});
  EXPECT_EQ(parse_python_str_list("['', 'layer1.0', 'conv2d']"), (std::vector<std::string>{"", "layer1.0", "conv2d"}));
  // repr switches to double quotes for a string with a single quote, escapes backslashes.
  EXPECT_EQ(parse_python_str_list(R"(["it's", 'a\\b', 'tab\there', '\x41'])"),
            (std::vector<std::string>{"it's", "a\\b", "tab\there", "A"}));
}

TEST(PythonStrList, RefusesAnythingElse) {
  for (const char* bad : {"", "['a'", "['a' 'b']", "[1, 2]", "['a'] tail", "('a',)", "['\\x4']"})
    EXPECT_THROW(parse_python_str_list(bad), Error) << bad;
}

TEST(TorchModuleMetadata, BuildsTheTreeFromTheStacks) {
  onnx::GraphProto g;
  add_node(g, "['', 'layers.0', 'layers.0.fc', 'addmm']",
           "['m.Net', 'm.Block', 'torch.nn.modules.linear.Linear', 'aten.addmm.default']");
  add_node(g, "", "");  // no metadata: a node the exporter's passes made
  add_node(g, "['', 'layers.1', 'relu']", "['m.Net', 'm.Block', 'aten.relu.default']");
  add_node(g, "['', 'flatten']", "['m.Net', 'aten.flatten.default']");
  ASSERT_TRUE(has_torch_module_metadata(g));
  TorchModuleMetadata t = modules_from_node_metadata(g, "f.onnx");
  // root, layers (a container no stack names), layers.0, layers.0.fc, layers.1
  ASSERT_EQ(t.modules.size(), 5u);
  EXPECT_EQ(t.modules[0].class_name, "Net");
  EXPECT_EQ(t.modules[1].path, "layers");
  EXPECT_EQ(t.modules[1].qualified_class, "torch.nn.modules.container.ModuleList");
  EXPECT_EQ(t.modules[2].path, "layers.0");
  EXPECT_EQ(t.modules[2].attr, "0");
  EXPECT_EQ(t.modules[2].parent, 1);
  EXPECT_EQ(t.modules[3].class_name, "Linear");
  EXPECT_EQ(t.modules[3].attr, "fc");
  EXPECT_EQ(t.modules[3].parent, 2);
  EXPECT_EQ(t.modules[1].children, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(t.node_module, (std::vector<int64_t>{3, -1, 4, 0}));
}

TEST(TorchModuleMetadata, NamedChildrenMakeADict) {
  onnx::GraphProto g;
  add_node(g, "['', 'heads.cls', 'gemm']", "['m.Net', 'm.Head', 'aten.mm.default']");
  auto t = modules_from_node_metadata(g, "f.onnx");
  ASSERT_EQ(t.modules.size(), 3u);
  EXPECT_EQ(t.modules[1].class_name, "ModuleDict");
}

TEST(TorchModuleMetadata, MalformedMetadataNamesTheNode) {
  onnx::GraphProto g;
  add_node(g, "['', 'fc', 'gemm']", "['m.Net', 'aten.mm.default']");
  try {
    modules_from_node_metadata(g, "f.onnx");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'node_1' of 'f.onnx'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("lists 3 items"), std::string::npos) << e.what();
  }
  onnx::GraphProto h;
  add_node(h, "['', 'fc', gemm]", "");
  EXPECT_THROW(modules_from_node_metadata(h, "f.onnx"), Error);
}

TEST(TorchModuleMetadata, AFileWithoutItSaysSo) {
  onnx::GraphProto g;
  add_node(g, "", "");
  EXPECT_FALSE(has_torch_module_metadata(g));
}

}  // namespace
}  // namespace mx
