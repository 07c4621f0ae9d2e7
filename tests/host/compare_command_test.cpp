// `modelexport compare` end to end: its figures must match what the same strategies write
// when each exports the model on its own, and bad requests give one error line, no file.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>

#include "onnx_io/node_metadata.h"
#include "support/model_exports.h"
#include "tags/tag_output.h"

namespace mx::test {
namespace {

CommandResult compare(const ModelCase& c, const std::string& extra) {
  return run(quote(modelexport_bin()) + " compare " + quote(fixture_model(c.model)) + " --plugin-dir " +
             quote(plugin_build_dir()) + " " + c.input_args + " " + extra);
}

class CompareOnModel : public ::testing::TestWithParam<ModelCase> {};

TEST_P(CompareOnModel, FiguresMatchSeparateExports) {
  const auto& htp = export_with(GetParam(), "htp");
  const auto& usage = export_with(GetParam(), "usage_based");
  ASSERT_EQ(htp.result.exit_code, 0) << htp.result.err;
  ASSERT_EQ(usage.result.exit_code, 0) << usage.result.err;
  TempDir dir;
  auto r = compare(GetParam(), "--strategies htp,usage_based --json " + quote(dir.file("c.json")));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto& a = htp.proto.graph();
  const auto& b = usage.proto.graph();
  ASSERT_EQ(a.node_size(), b.node_size());
  int same = 0;
  std::map<std::string, int> decisions_a, decisions_b;
  for (int n = 0; n < a.node_size(); ++n) {
    same += node_metadata(a.node(n), kTagKey) == node_metadata(b.node(n), kTagKey);
    decisions_a[node_metadata(a.node(n), kDecisionKey)]++;
    decisions_b[node_metadata(b.node(n), kDecisionKey)]++;
  }
  auto json = YAML::LoadFile(dir.file("c.json"));
  EXPECT_EQ(json["nodes"].as<int>(), a.node_size());
  EXPECT_EQ(json["pairs"][0]["same"].as<int>(), same);
  for (int s = 0; s < 2; ++s) {
    EXPECT_EQ(json["strategies"][s]["tagged"].as<int>(), a.node_size());
    std::map<std::string, int> counts;
    for (const auto& kv : json["strategies"][s]["decisions"]) counts[kv.first.as<std::string>()] = kv.second.as<int>();
    EXPECT_EQ(counts, s == 0 ? decisions_a : decisions_b);
  }
  EXPECT_NE(r.out.find("htp vs usage_based"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(same) + " of " + std::to_string(a.node_size())), std::string::npos) << r.out;
  // Each listed disagreement is real: its example nodes carry different tags in the two files.
  std::map<std::string, std::string> tag_a, tag_b;
  for (int n = 0; n < a.node_size(); ++n) {
    tag_a[a.node(n).name()] = node_metadata(a.node(n), kTagKey);
    tag_b[b.node(n).name()] = node_metadata(b.node(n), kTagKey);
  }
  for (const auto& d : json["pairs"][0]["disagreements"])
    for (const auto& ex : d["examples"]) {
      std::string node = ex["node"].as<std::string>();
      EXPECT_EQ(ex["tag_a"].as<std::string>(), tag_a[node]) << node;
      EXPECT_EQ(ex["tag_b"].as<std::string>(), tag_b[node]) << node;
      EXPECT_NE(tag_a[node], tag_b[node]) << node;
    }
}

INSTANTIATE_TEST_SUITE_P(Models, CompareOnModel, ::testing::ValuesIn(strategy_model_cases()),
                         [](const auto& info) { return info.param.model; });

class CompareErrors : public ::testing::Test {
 protected:
  void expect_one_error(const CommandResult& r, const std::string& part) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
    EXPECT_TRUE(dir.entries().empty()) << "no JSON on error";
  }
  std::string json() { return " --json " + quote(dir.file("c.json")); }
  ModelCase mlp{"mlp", "--input x:float32:2x16"};
  TempDir dir;
};

TEST_F(CompareErrors, UnknownStrategy) {
  expect_one_error(compare(mlp, "--strategies htp,nosuch" + json()), "strategy 'nosuch' not found");
}

TEST_F(CompareErrors, OneStrategyIsNotAComparison) {
  expect_one_error(compare(mlp, "--strategies htp" + json()), "compare needs two or more different strategies");
}

TEST_F(CompareErrors, UnknownOptionKeyIsReportedByThatPlugin) {
  auto r = compare(mlp, "--strategy-opt usage_based:bogus=1" + json());
  expect_one_error(r, "strategy 'usage_based' (" + plugin_build_dir());
  EXPECT_NE(r.err.find("unknown option 'bogus'"), std::string::npos) << r.err;
}

TEST_F(CompareErrors, OptionForAStrategyNotCompared) {
  expect_one_error(compare(mlp, "--strategy-opt other:hidden_classes=" + json()),
                   "--strategy-opt names strategy 'other', which is not in --strategies");
}

TEST(CompareOptions, OptionReachesOnlyTheNamedStrategy) {
  ModelCase mlp{"mlp", "--input x:float32:2x16"};
  TempDir dir;
  // Showing ModuleList segments in htp's tags only: the two strategies then disagree on
  // every node inside a list, so agreement must drop.
  auto plain = compare(mlp, "--json " + quote(dir.file("a.json")));
  auto shown = compare(mlp, "--strategy-opt htp:hidden_classes= --json " + quote(dir.file("b.json")));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto a = YAML::LoadFile(dir.file("a.json"));
  auto b = YAML::LoadFile(dir.file("b.json"));
  EXPECT_LT(b["pairs"][0]["same"].as<int>(), a["pairs"][0]["same"].as<int>());
  EXPECT_EQ(b["strategies"][1]["distinct_tags"].as<int>(), a["strategies"][1]["distinct_tags"].as<int>());
}

}  // namespace
}  // namespace mx::test
