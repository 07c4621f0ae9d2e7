// validate_tags on deliberately broken files: each break is reported, naming what is wrong.
#include <gtest/gtest.h>

#include "support/test_env.h"
#include "support/tiny_tagged_model.h"
#include "tags/tag_validate.h"

namespace mx::test {
namespace {

bool has_problem(const ValidationReport& r, const std::string& text) {
  for (const auto& p : r.problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

std::string all(const ValidationReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += p + "\n";
  return out;
}

ValidationReport validate(const onnx::ModelProto& model, const std::string& sidecar = tiny_sidecar_json()) {
  TempDir dir;
  return validate_tags(load_tagged_model(write_tiny(dir.path().string(), model, true, sidecar)));
}

TEST(TagValidate, IntactFileIsValid) {
  auto r = validate(tiny_tagged_model());
  EXPECT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(r.tagged, 7);
}

TEST(TagValidate, NodeWithoutTag) {
  auto model = tiny_tagged_model();
  clear_node_metadata(*model.mutable_graph()->mutable_node(3));
  auto r = validate(model);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(has_problem(r, "node 3 '/enc/blocks.0/Add' (Add) has no modelexport.tag")) << all(r);
}

TEST(TagValidate, SidecarNamingANodeThatDoesNotExist) {
  std::string json = tiny_sidecar_json();
  json.replace(json.find("/head/MatMul"), 12, "/head/Gemm");
  auto r = validate(tiny_tagged_model(), json);
  EXPECT_TRUE(has_problem(r, "names node '/head/Gemm', which does not exist in the ONNX graph")) << all(r);
  EXPECT_TRUE(has_problem(r, "'/head/MatMul' (MatMul) is missing from the sidecar")) << all(r);
}

TEST(TagValidate, TagThatDoesNotParse) {
  auto model = tiny_tagged_model();
  auto& node = *model.mutable_graph()->mutable_node(6);
  clear_node_metadata(node);
  add_node_metadata(node, kTagKey, "Net//Linear");
  add_node_metadata(node, kModuleKey, "head");
  add_node_metadata(node, kDecisionKey, "direct");
  add_node_metadata(node, kNamespaceKey, "Net//Linear");
  auto r = validate(model);
  EXPECT_TRUE(has_problem(r, "has tag 'Net//Linear' that does not parse: it does not start with '/'")) << all(r);
}

TEST(TagValidate, MetadataAndSidecarDisagree) {
  std::string json = tiny_sidecar_json();
  // The sidecar says node /act_1/Relu belongs to head.
  auto at = json.find("\"name\": \"/act_1/Relu\"");
  json.replace(json.find("\"module\": \"act\"", at), 15, "\"module\": \"head\"");
  auto r = validate(tiny_tagged_model(), json);
  EXPECT_TRUE(has_problem(r, "'/act_1/Relu' (Relu): module 'act' but the sidecar says 'head'")) << all(r);
}

TEST(TagValidate, NodeTagDiffersFromItsModulesTag) {
  auto model = tiny_tagged_model();
  auto& node = *model.mutable_graph()->mutable_node(1);
  clear_node_metadata(node);
  for (const char* key : {kTagKey, kNamespaceKey}) add_node_metadata(node, key, "/Net/Linear");
  add_node_metadata(node, kModuleKey, "act");
  add_node_metadata(node, kDecisionKey, "direct");
  auto r = validate(model);
  EXPECT_TRUE(has_problem(r, "tag '/Net/Linear' but the sidecar")) << all(r);
}

TEST(TagValidate, MissingSidecar) {
  TempDir dir;
  auto r = validate_tags(load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model(), false)));
  EXPECT_TRUE(has_problem(r, "no sidecar: expected")) << all(r);
}

TEST(TagSyntax, AcceptsWhatTheTagBuilderWrites) {
  for (const char* ok : {"/ResNet", "/ResNet/Sequential.layer2/BasicBlock.1/Conv2d.conv2",
                         "/BertModel/BertEncoder/BertLayer.0/BertAttention/BertSelfAttention", "/M/Linear.layer.0",
                         "/M/Block#7", "/M/Block.x#12"})
    EXPECT_EQ(tag_syntax_error(ok), "") << ok;
}

TEST(TagSyntax, RejectsMalformedTags) {
  EXPECT_EQ(tag_syntax_error(""), "it is empty");
  EXPECT_EQ(tag_syntax_error("ResNet"), "it does not start with '/'");
  EXPECT_EQ(tag_syntax_error("/ResNet/"), "it has an empty segment ('//' or a trailing '/')");
  EXPECT_EQ(tag_syntax_error("/ResNet/0.conv"), "segment '0.conv' does not start with a class name");
  EXPECT_EQ(tag_syntax_error("/ResNet/Conv2d..x"), "segment 'Conv2d..x' has an empty '.' part");
  EXPECT_EQ(tag_syntax_error("/Res Net"), "segment 'Res Net' has ' ' where none may be");
  EXPECT_EQ(tag_syntax_error("/M/Block#"), "segment 'Block#' has '#' without a number");
}

}  // namespace
}  // namespace mx::test
