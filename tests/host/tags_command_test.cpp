// `modelexport tags` end to end on real exports: the figures it prints are checked against
// counts made here from the node metadata; validate catches deliberately broken files.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <regex>

#include "onnx_io/node_metadata.h"
#include "support/htp_export.h"
#include "support/test_env.h"
#include "tags/tag_output.h"

namespace mx::test {
namespace {

CommandResult tags(const std::string& onnx, const std::string& args) {
  return run(quote(modelexport_bin()) + " tags " + quote(onnx) + " " + args);
}

// Per module path: (direct, total) nodes, counted from the metadata of the file.
std::map<std::string, std::pair<int, int>> counts_from_metadata(const onnx::ModelProto& m) {
  std::map<std::string, std::pair<int, int>> out;
  for (const auto& node : m.graph().node()) {
    std::string path = node_metadata(node, kModuleKey);
    out[path].first++;
    for (;;) {  // the module and every ancestor, ancestors found by dropping dotted parts
      out[path].second++;
      if (path.empty()) break;
      auto dot = path.rfind('.');
      path = dot == std::string::npos ? "" : path.substr(0, dot);
    }
  }
  return out;
}

class TagsOnModel : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_EQ(e().result.exit_code, 0) << e().result.err;
  }
  const ModelExport& e() { return htp_export(GetParam()); }
};

TEST_P(TagsOnModel, TreeCountsAreTheNodeMetadataCounts) {
  const auto& full = e();
  auto r = tags(full.onnx, "tree");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto expected = counts_from_metadata(full.proto);
  std::regex line(R"(^ *(\d+) +(\d+)  .*\((.*)\)$)");
  int rows = 0;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    std::string path = m[3] == "<root>" ? "" : m[3].str();
    ++rows;
    auto want = expected.count(path) ? expected[path] : std::make_pair(0, 0);
    EXPECT_EQ(std::stoi(m[1]), want.first) << l;
    EXPECT_EQ(std::stoi(m[2]), want.second) << l;
  }
  // Every module path that owns a node (itself or below) has a row; hidden ModuleLists too.
  int with_nodes = 0;
  for (const auto& m : YAML::LoadFile(full.sidecar)["modules"])
    with_nodes += expected.count(m["path"].as<std::string>()) > 0;
  EXPECT_EQ(rows, with_nodes) << r.out;
}

TEST_P(TagsOnModel, TreeJsonHasEveryModuleWithMetadataCounts) {
  const auto& full = e();
  auto r = tags(full.onnx, "tree --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = YAML::Load(r.out);
  auto expected = counts_from_metadata(full.proto);
  EXPECT_EQ(json["modules"].size(), YAML::LoadFile(full.sidecar)["modules"].size());
  EXPECT_EQ(json["modules"][0]["total_nodes"].as<int>(), full.proto.graph().node_size());
  for (const auto& m : json["modules"]) {
    auto want = expected[m["path"].as<std::string>()];
    EXPECT_EQ(m["direct_nodes"].as<int>(), want.first) << m["path"];
    EXPECT_EQ(m["total_nodes"].as<int>(), want.second) << m["path"];
  }
}

TEST_P(TagsOnModel, StatsCountOpTypesAndDecisions) {
  const auto& full = e();
  auto r = tags(full.onnx, "stats --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = YAML::Load(r.out);
  std::map<std::string, int> ops, decisions;
  for (const auto& node : full.proto.graph().node()) {
    ops[node.op_type()]++;
    decisions[node_metadata(node, kDecisionKey)]++;
  }
  EXPECT_EQ(json["nodes"].as<int>(), full.proto.graph().node_size());
  EXPECT_EQ(json["tagged"].as<int>(), full.proto.graph().node_size());
  for (const auto& [op, n] : ops) EXPECT_EQ(json["op_types"][op].as<int>(), n) << op;
  for (const auto& [d, n] : decisions) EXPECT_EQ(json["decisions"][d].as<int>(), n) << d;
  auto text = tags(full.onnx, "stats");
  EXPECT_NE(text.out.find("nodes       " + std::to_string(full.proto.graph().node_size())), std::string::npos)
      << text.out;
}

TEST_P(TagsOnModel, IntactExportValidates) {
  auto r = tags(e().onnx, "validate");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("valid: ", 0), 0u) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Models, TagsOnModel, ::testing::Values("resnet18", "bert"));

class TagsResnet18 : public ::testing::Test {
 protected:
  const ModelExport& full = htp_export("resnet18");
  TempDir dir;
  static int matches(const CommandResult& r) {
    std::smatch m;
    std::regex count(R"((\d+) module\(s\) match)");
    return std::regex_search(r.out, m, count) ? std::stoi(m[1]) : -1;
  }
  // A copy of the export with `edit` applied to its nodes and `sidecar_edit` to its sidecar text.
  std::string broken_copy(const std::function<void(onnx::GraphProto&)>& edit,
                          const std::function<void(std::string&)>& sidecar_edit = nullptr) {
    onnx::ModelProto m = full.proto;
    edit(*m.mutable_graph());
    std::ofstream(dir.file("b.onnx"), std::ios::binary) << m.SerializeAsString();
    std::string sidecar = read_file(full.sidecar);
    if (sidecar_edit) sidecar_edit(sidecar);
    std::ofstream(dir.file("b_hierarchy.json"), std::ios::binary) << sidecar;
    return dir.file("b.onnx");
  }
};

TEST_F(TagsResnet18, QueryByClassPathAndTag) {
  ASSERT_EQ(full.result.exit_code, 0) << full.result.err;
  EXPECT_EQ(matches(tags(full.onnx, "query BasicBlock")), 8);
  EXPECT_EQ(matches(tags(full.onnx, "query '*/Conv2d.conv1'")), 8);  // the root's conv1 is /ResNet/Conv2d
  int under_layer3 = 0;
  for (const auto& m : YAML::LoadFile(full.sidecar)["modules"])
    under_layer3 += m["path"].as<std::string>().rfind("layer3.", 0) == 0;
  EXPECT_EQ(matches(tags(full.onnx, "query 'layer3.*'")), under_layer3);
  auto json = YAML::Load(tags(full.onnx, "query layer2.1.conv2 --nodes --json").out);
  ASSERT_EQ(json["matches"].size(), 1u);
  EXPECT_EQ(json["matches"][0]["tag"].as<std::string>(), "/ResNet/Sequential.layer2/BasicBlock.1/Conv2d.conv2");
  EXPECT_EQ(json["matches"][0]["nodes"][0]["name"].as<std::string>(), "/layer2/layer2.1/conv2/Conv");
}

TEST_F(TagsResnet18, QueryWithoutMatchFailsWithCloseMatches) {
  auto r = tags(full.onnx, "query BasicBlok");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no module matches 'BasicBlok'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("close matches: BasicBlock"), std::string::npos) << r.err;
}

TEST_F(TagsResnet18, ValidateCatchesNodeWithoutTag) {
  auto file = broken_copy([](onnx::GraphProto& g) { clear_node_metadata(*g.mutable_node(5)); });
  auto r = tags(file, "validate");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("node 5 '" + full.proto.graph().node(5).name() + "' (" + full.proto.graph().node(5).op_type() +
                       ") has no modelexport.tag"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("failed validation"), std::string::npos) << r.err;
}

TEST_F(TagsResnet18, ValidateCatchesSidecarNamingAMissingNode) {
  const std::string victim = full.proto.graph().node(3).name();
  auto file = broken_copy(
      [](onnx::GraphProto&) {},
      [&](std::string& s) { s.replace(s.find("\"" + victim + "\""), victim.size() + 2, "\"/no/such/Node\""); });
  auto r = tags(file, "validate --json");
  EXPECT_EQ(r.exit_code, 1);
  auto json = YAML::Load(r.out);
  EXPECT_FALSE(json["valid"].as<bool>());
  bool found = false;
  for (const auto& p : json["problems"])
    found = found || p.as<std::string>().find("names node '/no/such/Node', which does not exist") != std::string::npos;
  EXPECT_TRUE(found) << r.out;
}

TEST_F(TagsResnet18, ValidateCatchesTagThatDoesNotParse) {
  auto file = broken_copy([](onnx::GraphProto& g) {
    auto& node = *g.mutable_node(7);
    auto module = node_metadata(node, kModuleKey), decision = node_metadata(node, kDecisionKey);
    clear_node_metadata(node);
    add_node_metadata(node, kTagKey, "/ResNet/Sequential layer1");
    add_node_metadata(node, kModuleKey, module);
    add_node_metadata(node, kDecisionKey, decision);
    add_node_metadata(node, kNamespaceKey, "ResNet/Sequential layer1");
  });
  auto r = tags(file, "validate");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("has tag '/ResNet/Sequential layer1' that does not parse: segment 'Sequential layer1' has ' '"),
            std::string::npos)
      << r.out;
}

TEST_F(TagsResnet18, TruncatedFile) {
  std::string bytes = read_file(full.onnx);
  std::ofstream(dir.file("cut.onnx"), std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  auto r = tags(dir.file("cut.onnx"), "tree");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("modelexport: error: '" + dir.file("cut.onnx") + "' is a truncated ONNX file", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(TagsResnet18, FileThatIsNotOnnx) {
  auto r = tags(full.sidecar, "validate");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not an ONNX file"), std::string::npos) << r.err;
}

TEST_F(TagsResnet18, UntaggedFileSaysHowToTagIt) {
  auto file = broken_copy([](onnx::GraphProto& g) {
    for (auto& node : *g.mutable_node()) clear_node_metadata(node);
  });
  fs::remove(dir.file("b_hierarchy.json"));
  auto r = tags(file, "tree");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has no modelexport tags on its nodes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("modelexport tag"), std::string::npos) << r.err;
}

TEST_F(TagsResnet18, UnknownSubcommandSuggestsOne) {
  auto r = tags(full.onnx, "stat");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown tags subcommand 'stat'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("close matches: stats"), std::string::npos) << r.err;
}

TEST(TagsHelp, ExplainsEverySubcommand) {
  auto r = run(quote(modelexport_bin()) + " tags --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"tree", "stats", "query PATTERN", "validate", "--json", "glob", "direct", "total"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace mx::test
