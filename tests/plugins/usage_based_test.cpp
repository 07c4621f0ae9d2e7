// usage_based on hand-made graphs, through the real plugin and the C ABI: parameter
// owners decide first, then graph context (producers first); the trace is ignored.
#include <gtest/gtest.h>

#include "run_plugin.h"

namespace mx::test {
namespace {

// Net -> {fc1 (Linear), act (ReLU), fc2 (Linear)}; the weights belong to fc1 and fc2.
struct MlpGraph : TinyGraph {
  int64_t fc1 = module(0, "fc1", "Linear");
  int64_t act = module(0, "act", "ReLU");
  int64_t fc2 = module(0, "fc2", "Linear");
  MlpGraph() {
    input("x");
    initializer("fc1.weight", fc1);
    initializer("fc2.weight", fc2);
  }
};

TEST(UsageBased, NodeReadingAParameterTakesItsOwnerWhateverTheTraceSays) {
  MlpGraph g;
  int mm = g.node("MatMul", {"x", "fc1.weight"}, {"y"}, g.entry(g.act), true);
  g.output("y");
  auto r = run_plugin("usage_based", g);
  EXPECT_EQ(r.node_module[mm], g.fc1);
  EXPECT_EQ(r.node_decision[mm], MX_DECISION_DIRECT);
}

TEST(UsageBased, NodeReadingParametersOfTwoModulesTakesTheirParent) {
  MlpGraph g;
  int add = g.node("Add", {"fc1.weight", "fc2.weight"}, {"y"});
  g.output("y");
  auto r = run_plugin("usage_based", g);
  EXPECT_EQ(r.node_module[add], 0);
  EXPECT_EQ(r.node_decision[add], MX_DECISION_PARENT);
}

TEST(UsageBased, ParameterFreeNodeInheritsFromItsProducers) {
  MlpGraph g;
  g.node("MatMul", {"x", "fc1.weight"}, {"h"}, g.entry(g.fc1), true);
  int relu = g.node("Relu", {"h"}, {"a"}, g.entry(g.act), true);
  g.node("MatMul", {"a", "fc2.weight"}, {"y"}, g.entry(g.fc2), true);
  g.output("y");
  auto r = run_plugin("usage_based", g);
  EXPECT_EQ(r.node_module[relu], g.fc1) << "the classic approach's blind spot: ReLU owns no weights";
  EXPECT_EQ(r.node_decision[relu], MX_DECISION_PRODUCER);
  // htp, on the same graph, knows better from the trace.
  EXPECT_EQ(run_plugin("htp", g).node_module[relu], g.act);
}

TEST(UsageBased, AuxiliaryOpTypesLookAtConsumersFirst) {
  MlpGraph g;
  g.node("MatMul", {"x", "fc1.weight"}, {"h"}, g.entry(g.fc1), true);
  int shape = g.node("Shape", {"h"}, {"s"});
  g.node("Reshape", {"fc2.weight", "s"}, {"y"}, g.entry(g.fc2), true);
  g.output("y");
  EXPECT_EQ(run_plugin("usage_based", g).node_module[shape], g.fc1) << "producers first when undeclared";
  auto r = run_plugin("usage_based", g, {}, {{"Shape", {MX_DECISION_CONSUMER, "test.yaml"}}});
  EXPECT_EQ(r.node_module[shape], g.fc2);
  EXPECT_EQ(r.node_decision[shape], MX_DECISION_CONSUMER);
}

TEST(UsageBased, NodeWithNoDecidedNeighbourIsRoot) {
  MlpGraph g;
  int lone = g.node("Relu", {"x"}, {"y"}, g.entry(g.act), true);
  g.output("y");
  auto r = run_plugin("usage_based", g);
  EXPECT_EQ(r.node_module[lone], 0);
  EXPECT_EQ(r.node_decision[lone], MX_DECISION_ROOT);
}

TEST(UsageBased, BuildsTheSameTagsAsHtp) {
  MlpGraph g;
  g.node("MatMul", {"x", "fc1.weight"}, {"y"}, g.entry(g.fc1), true);
  g.output("y");
  EXPECT_EQ(run_plugin("usage_based", g).module_tags, run_plugin("htp", g).module_tags);
}

TEST(UsageBased, UnknownOptionIsAnErrorThePluginReports) {
  MlpGraph g;
  g.node("MatMul", {"x", "fc1.weight"}, {"y"}, g.entry(g.fc1), true);
  g.output("y");
  std::string err = error_for("usage_based", g, {{"depth", "2"}});
  EXPECT_NE(err.find("strategy 'usage_based'"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown option 'depth'"), std::string::npos) << err;
}

}  // namespace
}  // namespace mx::test
