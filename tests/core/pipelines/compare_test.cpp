// Comparing strategies' answers: counts, agreement and the worst modules, on hand-made
// answers whose right figures are obvious.
#include "pipelines/compare.h"

#include <gtest/gtest.h>
#include <modelexport/plugin.h>
#include <yaml-cpp/yaml.h>

#include "support/tiny_graph.h"

namespace mx::test {
namespace {

struct Fixture {
  TinyGraph g;
  int64_t a = g.module(0, "a", "A");
  int64_t b = g.module(0, "b", "B");
  Fixture() {
    g.input("x");
    for (int i = 0; i < 6; ++i) g.node("Relu", {"x"}, {"y" + std::to_string(i)});
  }
  TagResult answer(const std::string& name, const std::vector<int64_t>& modules, int32_t decision) {
    TagResult r;
    r.strategy = name;
    r.module_tags = {"/Net", "/Net/A", "/Net/B"};
    r.node_module = modules;
    r.node_decision.assign(modules.size(), decision);
    r.seconds = 0.5;
    return r;
  }
};

TEST(Compare, CountsAgreementAndWorstModules) {
  Fixture f;
  auto one = f.answer("one", {f.a, f.a, f.a, f.b, f.b, 0}, MX_DECISION_DIRECT);
  auto two = f.answer("two", {f.a, f.b, f.b, f.b, f.b, f.b}, MX_DECISION_PRODUCER);
  auto r = analyze_tags(f.g.trace, f.g.model.model.graph(), {one, two}, 5);
  ASSERT_EQ(r.strategies.size(), 2u);
  EXPECT_EQ(r.strategies[0].tagged, 6);
  EXPECT_EQ(r.strategies[0].distinct_tags, 3);
  EXPECT_EQ(r.strategies[1].distinct_tags, 2);
  EXPECT_EQ(r.strategies[0].decisions.at("direct"), 6);
  EXPECT_EQ(r.strategies[1].decisions.at("producer"), 6);
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs[0].same, 3);  // nodes 0, 3, 4
  EXPECT_EQ(r.pairs[0].nodes, 6);
  ASSERT_EQ(r.pairs[0].worst.size(), 2u);
  const auto& worst = r.pairs[0].worst[0];
  EXPECT_EQ(worst.module, "a");
  EXPECT_EQ(worst.nodes, 2);
  EXPECT_EQ(worst.module_nodes, 3);
  EXPECT_EQ(worst.tag_a, "/Net/A");
  EXPECT_EQ(worst.tag_b, "/Net/B");
  ASSERT_EQ(worst.examples.size(), 2u);
  EXPECT_EQ(worst.examples[0].node, f.g.model.model.graph().node(1).name());
  EXPECT_EQ(r.pairs[0].worst[1].module, "");  // the root's one node
}

TEST(Compare, EveryPairOfThreeIsCompared) {
  Fixture f;
  auto all_a = f.answer("x", std::vector<int64_t>(6, f.a), MX_DECISION_DIRECT);
  auto r = analyze_tags(
      f.g.trace, f.g.model.model.graph(),
      {all_a, f.answer("y", std::vector<int64_t>(6, f.a), 1), f.answer("z", std::vector<int64_t>(6, 0), 1)}, 1);
  ASSERT_EQ(r.pairs.size(), 3u);
  EXPECT_EQ(r.pairs[0].same, 6);
  EXPECT_TRUE(r.pairs[0].worst.empty());
  EXPECT_EQ(r.pairs[1].a + r.pairs[1].b, "xz");
  EXPECT_EQ(r.pairs[1].same, 0);
  EXPECT_EQ(r.pairs[1].worst.size(), 1u);
}

TEST(Compare, JsonCarriesTheFigures) {
  Fixture f;
  auto one = f.answer("one", {f.a, f.a, f.a, f.b, f.b, 0}, MX_DECISION_DIRECT);
  auto two = f.answer("two", {f.a, f.b, f.b, f.b, f.b, f.b}, MX_DECISION_PRODUCER);
  auto json = YAML::Load(compare_json(analyze_tags(f.g.trace, f.g.model.model.graph(), {one, two}, 5)));
  EXPECT_EQ(json["schema_version"].as<int>(), 1);
  EXPECT_EQ(json["nodes"].as<int>(), 6);
  EXPECT_EQ(json["strategies"][1]["name"].as<std::string>(), "two");
  EXPECT_DOUBLE_EQ(json["strategies"][0]["coverage"].as<double>(), 1.0);
  EXPECT_EQ(json["pairs"][0]["same"].as<int>(), 3);
  EXPECT_DOUBLE_EQ(json["pairs"][0]["agreement"].as<double>(), 0.5);
  EXPECT_EQ(json["pairs"][0]["disagreements"][0]["module"].as<std::string>(), "a");
}

}  // namespace
}  // namespace mx::test
