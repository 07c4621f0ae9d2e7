// extract_modules on the tiny model: which module, which files, and errors that name the
// module and suggest close matches, with nothing written on error.
#include <gtest/gtest.h>

#include "base/error.h"
#include "support/test_env.h"
#include "support/tiny_tagged_model.h"
#include "tags/extract.h"
#include "tags/tag_validate.h"

namespace mx::test {
namespace {

class ExtractTest : public ::testing::Test {
 protected:
  std::string error_of(const ExtractRequest& r) {
    try {
      extract_modules(t, r);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  ExtractRequest by_path(const std::string& path, const std::string& out) {
    ExtractRequest r;
    r.module_path = path;
    r.has_module_path = true;
    r.output = out;
    return r;
  }
  TempDir src, out;
  TaggedModel t = load_tagged_model(write_tiny(src.path().string(), tiny_tagged_model()));
};

TEST_F(ExtractTest, ByPathWritesModelAndAValidSidecarOfTheSubtree) {
  auto report = extract_modules(t, by_path("enc", out.file("enc.onnx")));
  ASSERT_EQ(report.written.size(), 1u);
  EXPECT_EQ(report.written[0].nodes, 3);
  EXPECT_EQ(out.entries(), (std::vector<std::string>{"enc.onnx", "enc_hierarchy.json"}));
  auto back = load_tagged_model(out.file("enc.onnx"));
  ASSERT_TRUE(back.modules_from_sidecar);
  EXPECT_EQ(back.modules.size(), 4u);  // enc, its ModuleList, two blocks
  EXPECT_EQ(back.modules[0].path, "enc");
  EXPECT_EQ(back.modules[0].total_nodes, 3);
  auto v = validate_tags(back);
  EXPECT_TRUE(v.ok()) << (v.problems.empty() ? "" : v.problems[0]);
}

TEST_F(ExtractTest, ByTagSameAsByPath) {
  ExtractRequest r;
  r.tag = "/Net/Encoder/Block.1";
  r.output = out.file("b1.onnx");
  auto report = extract_modules(t, r);
  ASSERT_EQ(report.written.size(), 1u);
  EXPECT_EQ(t.modules[report.written[0].module].path, "enc.blocks.1");
  EXPECT_EQ(report.written[0].inputs, std::vector<std::string>{"b1"});
}

TEST_F(ExtractTest, AllOfAClassWritesOneFileEach) {
  ExtractRequest r;
  r.all_of = "Block";
  r.output = out.file("blocks");
  auto report = extract_modules(t, r);
  EXPECT_EQ(report.written.size(), 2u);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(out.file("blocks"))) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"enc.blocks.0.onnx", "enc.blocks.0_hierarchy.json", "enc.blocks.1.onnx",
                                             "enc.blocks.1_hierarchy.json"}));
}

TEST_F(ExtractTest, UnknownPathListsCloseMatchesAndWritesNothing) {
  std::string why = error_of(by_path("enc.blocks.2", out.file("x.onnx")));
  EXPECT_NE(why.find("no module 'enc.blocks.2' in '"), std::string::npos) << why;
  EXPECT_NE(why.find("close matches: enc.blocks.0, enc.blocks.1"), std::string::npos) << why;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExtractTest, UnknownClassListsCloseMatches) {
  ExtractRequest r;
  r.all_of = "Blok";
  r.output = out.file("d");
  std::string why = error_of(r);
  EXPECT_NE(why.find("no module of class 'Blok'"), std::string::npos) << why;
  EXPECT_NE(why.find("close matches: Block"), std::string::npos) << why;
  EXPECT_TRUE(out.entries().empty());
}

TEST_F(ExtractTest, ModuleWithoutNodesIsRefused) {
  std::string json = tiny_sidecar_json();
  json.replace(json.find("], \"nodes\""), 1,
               R"(, {"path": "drop", "class_name": "Dropout", "tag": "/Net/Dropout", "parent": 0}])");
  TempDir src2;
  auto t2 = load_tagged_model(write_tiny(src2.path().string(), tiny_tagged_model(), true, json));
  t = t2;
  std::string why = error_of(by_path("drop", out.file("x.onnx")));
  EXPECT_NE(why.find("module 'drop' (Dropout) has no nodes"), std::string::npos) << why;
  EXPECT_TRUE(out.entries().empty());
}

// A sidecar that lists no modules: the tree is rebuilt from the tags, and the extracted
// sidecar is written from that tree (it read module N of the empty list: the onnx_sidecar
// fuzzer's crash).
TEST_F(ExtractTest, SidecarWithoutModulesExtractsFromTheTreeOfTags) {
  std::string json = tiny_sidecar_json();
  const size_t from = json.find("\"modules\": [") + 12, to = json.find("], \"nodes\"");
  json.erase(from, to - from);
  TempDir src2;
  t = load_tagged_model(write_tiny(src2.path().string(), tiny_tagged_model(), true, json));
  ASSERT_FALSE(t.modules_from_sidecar);
  auto report = extract_modules(t, by_path("enc.blocks.0", out.file("b.onnx")));
  ASSERT_EQ(report.written.size(), 1u);
  auto back = load_tagged_model(out.file("b.onnx"));
  ASSERT_TRUE(back.modules_from_sidecar);
  EXPECT_EQ(back.modules[0].path, "enc.blocks.0");  // enc owns no node: without a sidecar tree its path is unknown
  EXPECT_EQ(back.modules[0].tag, "/Net/Encoder/Block.0");
  EXPECT_EQ(back.modules[0].total_nodes, report.written[0].nodes);
}

}  // namespace
}  // namespace mx::test
