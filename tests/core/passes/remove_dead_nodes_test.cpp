// Dead node removal on hand-built graphs.
#include "passes/remove_dead_nodes.h"

#include <gtest/gtest.h>

#include "core/passes/pass_models.h"

namespace mx {
namespace {

using test::add;
using test::add_floats;

TEST(RemoveDeadNodes, DropsUnusedChainsKeepsOriginsParallel) {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y");
  add(m, "Relu", {"x"}, {"a"}, 0);
  add(m, "Shape", {"x"}, {"dead1"}, 1);  // used only by a dead node
  add(m, "Gather", {"dead1", "k"}, {"dead2"}, 2);
  add(m, "Neg", {"a"}, {"y"}, 3);
  add_floats(m, "k", {}, {0});
  EXPECT_EQ(remove_dead_nodes(m), 2);
  ASSERT_EQ(m.model.graph().node_size(), 2);
  EXPECT_EQ(m.model.graph().node(1).op_type(), "Neg");
  ASSERT_EQ(m.origins.size(), 2u);
  EXPECT_EQ(m.origins[1].trace_entry, 3);
  EXPECT_EQ(m.model.graph().initializer_size(), 0);  // "k" was only used by the dead Gather
}

TEST(RemoveDeadNodes, ForgetsTheBytesOfUnusedExternalInitializers) {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y");
  add(m, "Add", {"x", "used"}, {"y"}, 0);
  add_floats(m, "used", {1}, {1}, true);
  add_floats(m, "unused", {1}, {2}, true);
  remove_dead_nodes(m);
  EXPECT_EQ(m.external_data.count("used"), 1u);
  EXPECT_EQ(m.external_data.count("unused"), 0u);
}

// An If whose branch reads a value and an initializer from the outer graph: the node making
// the value and the initializer stay, though no top-level node input names them.
TEST(RemoveDeadNodes, KeepsWhatOnlyASubgraphReads) {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y");
  add(m, "Relu", {"x"}, {"a"}, 0);
  add(m, "Relu", {"x"}, {"dead"}, 1);
  auto* branch_if = add(m, "If", {"cond"}, {"y"}, 2);
  for (const char* name : {"then_branch", "else_branch"}) {
    auto* attr = branch_if->add_attribute();
    attr->set_name(name);
    attr->set_type(onnx::AttributeProto::GRAPH);
    auto* body = attr->mutable_g();
    auto* n = body->add_node();
    n->set_op_type("Add");
    n->add_input("a");
    n->add_input("w");
    n->add_output(std::string(name) + "_out");
    body->add_output()->set_name(std::string(name) + "_out");
  }
  add_floats(m, "w", {}, {1});
  EXPECT_EQ(remove_dead_nodes(m), 1);
  ASSERT_EQ(m.model.graph().node_size(), 2);
  EXPECT_EQ(m.model.graph().node(0).output(0), "a");
  EXPECT_EQ(m.model.graph().node(1).op_type(), "If");
  EXPECT_EQ(m.model.graph().initializer_size(), 1);
}

}  // namespace
}  // namespace mx
