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

TEST(TagValidate, NamespaceWithTheTagsLeadingSlash) {
  auto model = tiny_tagged_model();
  auto& node = *model.mutable_graph()->mutable_node(6);
  std::string tag = node_metadata(node, kTagKey), module = node_metadata(node, kModuleKey);
  clear_node_metadata(node);
  add_node_metadata(node, kTagKey, tag);
  add_node_metadata(node, kModuleKey, module);
  add_node_metadata(node, kDecisionKey, "direct");
  add_node_metadata(node, kNamespaceKey, tag);
  auto r = validate(model);
  EXPECT_TRUE(has_problem(r, "namespace '" + tag + "' is not its tag without the leading '/' ('" + tag.substr(1) + "')"))
      << all(r);
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
  add_node_metadata(node, kTagKey, "/Net/Linear");
  add_node_metadata(node, kNamespaceKey, "Net/Linear");
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

// A module entry of the tiny sidecar, found by its path, with `field` replaced.
std::string with_module_field(std::string json, const std::string& path, const std::string& field,
                              const std::string& value) {
  auto at = json.find("{\"path\": \"" + path + "\"");
  auto key = json.find("\"" + field + "\": ", at);
  auto end = json.find_first_of(",}", key);
  return json.replace(key, end - key, "\"" + field + "\": " + value);
}

TEST(TagValidate, ParentOutOfRangeIsReportedNotFollowed) {
  for (const std::string parent : {"-5", "99", "6"}) {  // negative, past the end, itself
    auto r = validate(tiny_tagged_model(), with_module_field(tiny_sidecar_json(), "head", "parent", parent));
    EXPECT_TRUE(has_problem(r, "module 6 ('head') has parent " + parent)) << parent << ": " << all(r);
  }
}

TEST(TagValidate, ParentWhosePathDoesNotContainTheModule) {
  auto r = validate(tiny_tagged_model(), with_module_field(tiny_sidecar_json(), "enc.blocks.1", "parent", "1"));
  EXPECT_TRUE(has_problem(r, "module 5 ('enc.blocks.1') has parent 1 ('act'), whose path does not contain it")) << all(r);
}

TEST(TagValidate, MoreSidecarNodesThanTheGraphHas) {
  std::string json = tiny_sidecar_json();
  auto first = json.find("{\"name\": \"/Constant\"");
  std::string entry = json.substr(first, json.find('}', first) + 1 - first);
  for (int i = 0; i < 9000; ++i) json.insert(first, entry + ", ");
  auto r = validate(tiny_tagged_model(), json);
  EXPECT_TRUE(has_problem(r, "lists 9007 nodes; the graph has 7")) << r.problems.front();
  EXPECT_TRUE(has_problem(r, "lists node '/Constant' more than once"));
}

TEST(TagValidate, EmptyModuleList) {
  std::string json = tiny_sidecar_json();
  auto from = json.find("\"modules\": [") + 12;
  json.erase(from, json.find("], \"nodes\"") - from);
  auto r = validate(tiny_tagged_model(), json);
  EXPECT_TRUE(has_problem(r, "lists no modules")) << all(r);
}

TEST(TagValidate, DuplicateModulePathsAndTags) {
  // Block.1 renamed to Block.0's path and tag: two modules, one name.
  std::string json = with_module_field(tiny_sidecar_json(), "enc.blocks.1", "tag", "\"/Net/Encoder/Block.0\"");
  json = with_module_field(json, "enc.blocks.1", "path", "\"enc.blocks.0\"");
  auto r = validate(tiny_tagged_model(), json);
  EXPECT_TRUE(has_problem(r, "modules 4 and 5 have the same path 'enc.blocks.0'")) << all(r);
  EXPECT_TRUE(has_problem(r, "share tag '/Net/Encoder/Block.0'")) << all(r);
}

TEST(TagValidate, ModuleHiddenBehindItsParentsTagWithNodesOfItsOwn) {
  // head given its parent's tag: it would hide as a container does, but it runs ops.
  auto model = tiny_tagged_model();
  auto& node = *model.mutable_graph()->mutable_node(6);
  clear_node_metadata(node);
  for (auto [k, v] : {std::pair{kTagKey, "/Net"}, {kModuleKey, "head"}, {kDecisionKey, "direct"}, {kNamespaceKey, "/Net"}})
    add_node_metadata(node, k, v);
  std::string json = with_module_field(tiny_sidecar_json(), "head", "tag", "\"/Net\"");
  auto at = json.find("{\"name\": \"/head/MatMul\"");
  json.replace(json.find("\"/Net/Linear\"", at), 13, "\"/Net\"");
  auto r = validate(model, json);
  EXPECT_TRUE(has_problem(r, "module 'head' has its parent's tag '/Net' but nodes of its own")) << all(r);
}

// Initializer Wh moved to external data: `location`, `length` as given.
onnx::ModelProto with_external(const std::string& location, const std::string& length) {
  auto model = tiny_tagged_model();
  auto& t = *model.mutable_graph()->mutable_initializer(2);
  t.clear_float_data();
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* e = t.add_external_data();
  e->set_key("location");
  e->set_value(location);
  if (!length.empty()) {
    e = t.add_external_data();
    e->set_key("length");
    e->set_value(length);
  }
  return model;
}

ValidationReport validate_with_data(const onnx::ModelProto& model, const std::string& data_bytes) {
  TempDir dir;
  write_text(dir.file("tiny.onnx.data"), data_bytes);
  return validate_tags(load_tagged_model(write_tiny(dir.path().string(), model, true, tiny_sidecar_json())));
}

TEST(TagValidate, ExternalDataOutsideTheModelsFolder) {
  auto r = validate_with_data(with_external("../../../../etc/passwd", ""), "");
  EXPECT_TRUE(has_problem(r, "initializer 'Wh' has external data at '../../../../etc/passwd', outside the model's folder"))
      << all(r);
  r = validate_with_data(with_external("/etc/passwd", ""), "");
  EXPECT_TRUE(has_problem(r, "initializer 'Wh' has external data at absolute path '/etc/passwd'")) << all(r);
}

TEST(TagValidate, ExternalDataOfTheWrongSize) {
  auto r = validate_with_data(with_external("tiny.onnx.data", ""), std::string(12, 'x'));
  EXPECT_TRUE(has_problem(r, "initializer 'Wh' has 12 bytes of external data, but its dims and type need 16")) << all(r);
  r = validate_with_data(with_external("tiny.onnx.data", "16"), std::string(12, 'x'));
  EXPECT_TRUE(has_problem(r, "has external data of 16 bytes at offset 0, past the end of 'tiny.onnx.data' (12 bytes)"))
      << all(r);
  r = validate_with_data(with_external("tiny.onnx.data", "16"), std::string(16, 'x'));
  for (const auto& p : r.problems) EXPECT_EQ(p.find("initializer 'Wh'"), std::string::npos) << p;
}

}  // namespace
}  // namespace mx::test
