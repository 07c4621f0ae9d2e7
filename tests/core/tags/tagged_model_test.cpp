// Reading tags back: node counts per module come from the node metadata; the tree comes
// from the sidecar, or from the tags when there is none.
#include <gtest/gtest.h>

#include "base/error.h"
#include "support/test_env.h"
#include "support/tiny_tagged_model.h"
#include "tags/tagged_model.h"

namespace mx::test {
namespace {

TEST(TaggedModel, CountsDirectAndTotalNodesPerModule) {
  TempDir dir;
  auto t = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model()));
  ASSERT_TRUE(t.modules_from_sidecar);
  ASSERT_EQ(t.modules.size(), 7u);
  // By hand from the picture in tiny_tagged_model.h.
  EXPECT_EQ(t.modules[0].direct_nodes, 1);  // /Constant
  EXPECT_EQ(t.modules[0].total_nodes, 7);
  EXPECT_EQ(t.modules[1].direct_nodes, 2);  // act, called twice
  EXPECT_EQ(t.modules[2].total_nodes, 3);   // enc: two blocks
  EXPECT_EQ(t.modules[3].direct_nodes, 0);  // the ModuleList owns nothing itself
  EXPECT_EQ(t.modules[3].total_nodes, 3);
  EXPECT_EQ(t.modules[4].direct_nodes, 2);
  EXPECT_EQ(t.modules[6].total_nodes, 1);
}

TEST(TaggedModel, HiddenModuleSharesItsParentsTagAndTagLookupSkipsIt) {
  TempDir dir;
  auto t = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model()));
  EXPECT_TRUE(t.modules[3].hidden(t.modules));
  EXPECT_FALSE(t.modules[2].hidden(t.modules));
  EXPECT_EQ(t.find_tag("/Net/Encoder"), 2);
  EXPECT_EQ(t.find_path("enc.blocks"), 3);
  EXPECT_EQ(t.find_path("nope"), -1);
}

TEST(TaggedModel, NodesOfAModuleIncludeDescendantsAndEveryCall) {
  TempDir dir;
  auto t = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model()));
  EXPECT_EQ(t.nodes_of(1), (std::vector<int>{1, 5}));
  EXPECT_EQ(t.nodes_of(2), (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(t.nodes_of(0).size(), 7u);
}

TEST(TaggedModel, WithoutSidecarTheTreeIsRebuiltFromTags) {
  TempDir dir;
  auto t = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model(), false));
  EXPECT_FALSE(t.modules_from_sidecar);
  EXPECT_TRUE(t.sidecar_error.empty());
  // /Net, /Net/ReLU, /Net/Encoder, its two blocks, /Net/Linear; no ModuleList (no tag of its own).
  ASSERT_EQ(t.modules.size(), 6u);
  int enc = t.find_tag("/Net/Encoder");
  ASSERT_GE(enc, 0);
  EXPECT_EQ(t.modules[enc].class_name, "Encoder");
  EXPECT_EQ(t.modules[enc].total_nodes, 3);
  EXPECT_EQ(t.modules[enc].path, "");  // owns no node: its path is not known
  int block = t.find_tag("/Net/Encoder/Block.1");
  ASSERT_GE(block, 0);
  EXPECT_EQ(t.modules[block].path, "enc.blocks.1");
  EXPECT_EQ(t.modules[block].class_name, "Block");
}

TEST(TaggedModel, BadSidecarIsReportedNotThrown) {
  TempDir dir;
  auto t = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model(), true, "{ not json"));
  EXPECT_NE(t.sidecar_error.find("tiny_hierarchy.json' is not a valid hierarchy JSON"), std::string::npos)
      << t.sidecar_error;
  EXPECT_THROW(require_tags(t), Error);
}

TEST(TaggedModel, NewerSidecarSchemaIsRefused) {
  TempDir dir;
  std::string json = tiny_sidecar_json();
  json.replace(json.find("\"schema_version\": 1"), 19, "\"schema_version\": 9");
  auto t = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model(), true, json));
  EXPECT_NE(t.sidecar_error.find("schema_version 9"), std::string::npos) << t.sidecar_error;
}

TEST(TaggedModel, UntaggedFileIsRefusedForTagCommands) {
  TempDir dir;
  auto model = tiny_tagged_model();
  for (auto& node : *model.mutable_graph()->mutable_node()) clear_node_metadata(node);
  auto t = load_tagged_model(write_tiny(dir.path().string(), model, false));
  try {
    require_tags(t);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no modelexport tags"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("modelexport tag"), std::string::npos) << "says what to do: " << e.what();
  }
}

TEST(TaggedModel, NodeStringsThatAreNotUtf8AreRefused) {
  // Our reports are protobuf messages: invalid UTF-8 in them is dropped with a log line.
  TempDir dir;
  auto model = tiny_tagged_model();
  model.mutable_graph()->mutable_node(2)->set_op_type("Re\xffLU");
  std::string path = write_tiny(dir.path().string(), model);
  try {
    load_tagged_model(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "'" + path + "': node 2's op_type is not valid UTF-8 (ONNX strings are UTF-8): not "
                                     "a file that an ONNX writer wrote whole");
  }
}

}  // namespace
}  // namespace mx::test
