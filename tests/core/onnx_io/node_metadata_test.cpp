// metadata_props on NodeProto through protobuf's unknown fields (libonnx 1.12 has no accessor).
#include "onnx_io/node_metadata.h"

#include <gtest/gtest.h>

namespace mx {
namespace {

TEST(NodeMetadata, SurvivesSerializationInOrder) {
  onnx::NodeProto node;
  node.set_op_type("Relu");
  add_node_metadata(node, "modelexport.tag", "/ResNet/ReLU");
  add_node_metadata(node, "namespace", "/ResNet/ReLU");
  onnx::NodeProto back;
  ASSERT_TRUE(back.ParseFromString(node.SerializeAsString()));
  auto md = node_metadata(back);
  ASSERT_EQ(md.size(), 2u);
  EXPECT_EQ(md[0], std::make_pair(std::string("modelexport.tag"), std::string("/ResNet/ReLU")));
  EXPECT_EQ(node_metadata(back, "namespace"), "/ResNet/ReLU");
  EXPECT_EQ(node_metadata(back, "absent"), "");
}

// The bytes must be those of ONNX IR 10's `repeated StringStringEntryProto metadata_props = 9`:
// tag (9 << 3 | 2) = 0x4a, length, then the entry with key (field 1) and value (field 2).
TEST(NodeMetadata, IsFieldNineOnTheWire) {
  onnx::NodeProto node;
  add_node_metadata(node, "k", "v");
  std::string bytes = node.SerializeAsString();
  EXPECT_EQ(bytes, std::string("\x4a\x06\x0a\x01k\x12\x01v", 8));
}

TEST(NodeMetadata, ClearRemovesOnlyMetadata) {
  onnx::NodeProto node;
  node.set_name("n");
  add_node_metadata(node, "a", "1");
  clear_node_metadata(node);
  EXPECT_TRUE(node_metadata(node).empty());
  EXPECT_EQ(node.name(), "n");
}

TEST(NodeMetadata, RemoveDropsOnlyTheNamedKeys) {
  onnx::NodeProto node;
  add_node_metadata(node, "namespace", "old");
  add_node_metadata(node, "pkg.torch.onnx.name_scopes", "['', 'fc', 'gemm']");
  add_node_metadata(node, "modelexport.tag", "/Old");
  add_node_metadata(node, "user", "kept");
  remove_node_metadata(node, {"namespace", "modelexport.tag"});
  auto md = node_metadata(node);
  ASSERT_EQ(md.size(), 2u);
  EXPECT_EQ(md[0].first, "pkg.torch.onnx.name_scopes");
  EXPECT_EQ(md[1], std::make_pair(std::string("user"), std::string("kept")));
}

}  // namespace
}  // namespace mx
