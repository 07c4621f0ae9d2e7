// htp on hand-made graphs, through the real plugin and the C ABI: the trace decides first,
// then graph context; tags follow DESIGN.md's rules.
#include <gtest/gtest.h>

#include "run_plugin.h"

namespace mx::test {
namespace {

// Net -> block (Block) -> {fc (Linear), act (ReLU)}.
struct BlockGraph : TinyGraph {
  int64_t block = module(0, "block", "Block");
  int64_t fc = module(block, "fc", "Linear");
  int64_t act = module(block, "act", "ReLU");
  int64_t e_fc = entry(fc, "aten::linear");
  int64_t e_act = entry(act, "aten::relu");
  BlockGraph() {
    input("x");
    initializer("block.fc.weight", fc);
  }
};

TEST(Htp, NodeOfATracedOpTakesItsInnermostModule) {
  BlockGraph g;
  int mm = g.node("MatMul", {"x", "block.fc.weight"}, {"h"}, g.e_fc, true);
  int helper = g.node("Transpose", {"h"}, {"t"}, g.e_fc, false);
  int relu = g.node("Relu", {"t"}, {"y"}, g.e_act, true);
  g.output("y");
  auto r = run_plugin("htp", g);
  EXPECT_EQ(r.node_module[mm], g.fc);
  EXPECT_EQ(r.node_decision[mm], MX_DECISION_DIRECT);
  EXPECT_EQ(r.node_module[helper], g.fc);
  EXPECT_EQ(r.node_decision[helper], MX_DECISION_TRACE);
  EXPECT_EQ(r.node_module[relu], g.act);
  EXPECT_EQ(r.node_decision[relu], MX_DECISION_DIRECT);
}

TEST(Htp, UntracedNodeMakingATracedValueTakesTheModuleThatComputedIt) {
  BlockGraph g;
  // The constant was computed by act's code but only fc's op reads it: the trace wins.
  int c = g.node("Constant", {}, {"c"});
  g.traced_value("c", g.e_act);
  g.node("MatMul", {"x", "c"}, {"y"}, g.e_fc, true);
  g.output("y");
  auto r = run_plugin("htp", g);
  EXPECT_EQ(r.node_module[c], g.act);
  EXPECT_EQ(r.node_decision[c], MX_DECISION_TRACE);
}

TEST(Htp, UntracedNodeInheritsFromItsConsumers) {
  BlockGraph g;
  int c = g.node("Constant", {}, {"c"});
  g.node("MatMul", {"x", "c"}, {"y"}, g.e_fc, true);
  g.output("y");
  auto r = run_plugin("htp", g);
  EXPECT_EQ(r.node_module[c], g.fc);
  EXPECT_EQ(r.node_decision[c], MX_DECISION_CONSUMER);
}

TEST(Htp, ConsumersInSeveralModulesGiveTheirCommonAncestorAsParent) {
  BlockGraph g;
  int shape = g.node("Shape", {"x"}, {"s"});
  int cast = g.node("Cast", {"s"}, {"s2"});  // untraced too: looked through
  g.node("Reshape", {"x", "s2"}, {"a"}, g.e_fc, true);
  g.node("Expand", {"x", "s"}, {"b"}, g.e_act, true);
  g.output("a");
  g.output("b");
  auto r = run_plugin("htp", g);
  EXPECT_EQ(r.node_module[shape], g.block);
  EXPECT_EQ(r.node_decision[shape], MX_DECISION_PARENT);
  EXPECT_EQ(r.node_module[cast], g.fc);
  EXPECT_EQ(r.node_decision[cast], MX_DECISION_CONSUMER);
}

TEST(Htp, WithoutConsumersItInheritsFromProducers) {
  BlockGraph g;
  g.node("MatMul", {"x", "block.fc.weight"}, {"h"}, g.e_fc, true);
  int copy = g.node("Identity", {"h"}, {"y"});
  g.output("y");
  auto r = run_plugin("htp", g);
  EXPECT_EQ(r.node_module[copy], g.fc);
  EXPECT_EQ(r.node_decision[copy], MX_DECISION_PRODUCER);
}

TEST(Htp, ManifestDeclaredAuxiliaryOpLooksAtProducersFirst) {
  BlockGraph g;
  g.node("MatMul", {"x", "block.fc.weight"}, {"h"}, g.e_fc, true);
  int cast = g.node("Cast", {"h"}, {"h2"});
  g.node("Relu", {"h2"}, {"y"}, g.e_act, true);
  g.output("y");
  EXPECT_EQ(run_plugin("htp", g).node_module[cast], g.act) << "consumers first by default";
  auto r = run_plugin("htp", g, {}, {{"Cast", {MX_DECISION_PRODUCER, "test.yaml"}}});
  EXPECT_EQ(r.node_module[cast], g.fc);
  EXPECT_EQ(r.node_decision[cast], MX_DECISION_PRODUCER);
}

TEST(Htp, RootOnlyWhenNothingIsReachable) {
  BlockGraph g;
  g.node("MatMul", {"x", "block.fc.weight"}, {"h"}, g.e_fc, true);
  int lone = g.node("Identity", {"x"}, {"y"});
  g.output("h");
  g.output("y");
  auto r = run_plugin("htp", g);
  EXPECT_EQ(r.node_module[lone], 0);
  EXPECT_EQ(r.node_decision[lone], MX_DECISION_ROOT);
  EXPECT_EQ(r.node_decision[0], MX_DECISION_DIRECT);
}

// Tags as DESIGN.md spells them: class names, ".N" for list items, ".attr" where siblings
// share a class, no segment for ModuleList (the manifest's hidden_classes).
TEST(Htp, TagsFollowTheNamingRules) {
  TinyGraph g("Model");
  int64_t layers = g.module(0, "layers", "ModuleList", "torch.nn.modules.container.ModuleList");
  int64_t l0 = g.module(layers, "0", "Layer");
  int64_t l1 = g.module(layers, "1", "Layer");
  int64_t q = g.module(l0, "query", "Linear");
  int64_t k = g.module(l0, "key", "Linear");
  int64_t norm = g.module(l0, "norm", "LayerNorm");
  g.input("x");
  g.node("Relu", {"x"}, {"y"}, g.entry(q), true);
  g.output("y");
  auto r = run_plugin("htp", g);
  EXPECT_EQ(*r.module_tags[0], "/Model");
  EXPECT_EQ(*r.module_tags[layers], "/Model");
  EXPECT_EQ(*r.module_tags[l0], "/Model/Layer.0");
  EXPECT_EQ(*r.module_tags[l1], "/Model/Layer.1");
  EXPECT_EQ(*r.module_tags[q], "/Model/Layer.0/Linear.query");
  EXPECT_EQ(*r.module_tags[k], "/Model/Layer.0/Linear.key");
  EXPECT_EQ(*r.module_tags[norm], "/Model/Layer.0/LayerNorm");
  EXPECT_EQ(tag_of(r, 0), "/Model/Layer.0/Linear.query");
}

TEST(Htp, ItemsOfTwoHiddenListsNeverShareATag) {
  TinyGraph g("Model");
  int64_t a = g.module(0, "a", "ModuleList");
  int64_t b = g.module(0, "b", "ModuleList");
  int64_t a0 = g.module(a, "0", "Linear");
  int64_t b0 = g.module(b, "0", "Linear");
  g.input("x");
  g.node("Relu", {"x"}, {"y"}, g.entry(a0), true);
  g.output("y");
  auto r = run_plugin("htp", g);
  EXPECT_NE(*r.module_tags[a0], *r.module_tags[b0]);
}

TEST(Htp, HiddenClassesOptionReachesThePlugin) {
  TinyGraph g("Model");
  int64_t layers = g.module(0, "layers", "ModuleList");
  int64_t l0 = g.module(layers, "0", "Linear");
  g.input("x");
  g.node("Relu", {"x"}, {"y"}, g.entry(l0), true);
  g.output("y");
  auto r = run_plugin("htp", g, {{"hidden_classes", ""}});
  EXPECT_EQ(*r.module_tags[l0], "/Model/ModuleList/Linear.0");
}

TEST(Htp, UnknownOptionIsAnErrorThePluginReports) {
  BlockGraph g;
  g.node("Relu", {"x"}, {"y"}, g.e_act, true);
  g.output("y");
  std::string err = error_for("htp", g, {{"no_such_option", "1"}});
  EXPECT_NE(err.find("strategy 'htp'"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown option 'no_such_option' (known: hidden_classes)"), std::string::npos) << err;
}

}  // namespace
}  // namespace mx::test
