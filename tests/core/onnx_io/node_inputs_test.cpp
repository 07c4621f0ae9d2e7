// node_inputs: a node's own inputs and what its subgraphs read from outside them.
#include "onnx_io/node_inputs.h"

#include <gtest/gtest.h>

namespace mx {
namespace {

using Names = std::vector<std::string>;

onnx::GraphProto* add_graph(onnx::NodeProto& node, const std::string& name) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::GRAPH);
  return a->mutable_g();
}

onnx::NodeProto* add_node(onnx::GraphProto& g, Names ins, Names outs) {
  auto* n = g.add_node();
  n->set_op_type("Identity");
  for (auto& i : ins) n->add_input(i);
  for (auto& o : outs) n->add_output(o);
  return n;
}

TEST(NodeInputs, OwnInputsInOrderWithoutOmittedOnes) {
  onnx::NodeProto n;
  n.set_op_type("Clip");
  for (const char* in : {"x", "", "max"}) n.add_input(in);
  EXPECT_EQ(node_inputs(n), (Names{"x", "max"}));
}

TEST(NodeInputs, ABranchReadsOuterNamesButNotItsOwn) {
  onnx::NodeProto n;
  n.set_op_type("If");
  n.add_input("cond");
  auto* then_branch = add_graph(n, "then_branch");
  add_node(*then_branch, {"w"}, {"t"});
  add_node(*then_branch, {"t", "b"}, {"u"});  // t is the branch's own
  then_branch->add_output()->set_name("u");
  auto* else_branch = add_graph(n, "else_branch");
  else_branch->add_output()->set_name("x");  // an outer value passed straight out
  EXPECT_EQ(node_inputs(n), (Names{"cond", "w", "b", "x"}));
}

TEST(NodeInputs, ABodyShadowingAnOuterNameDoesNotReadIt) {
  onnx::NodeProto n;
  n.set_op_type("Loop");
  n.add_input("trip");
  auto* body = add_graph(n, "body");
  body->add_input()->set_name("w");  // the body's own w
  body->add_initializer()->set_name("k");
  add_node(*body, {"w", "k", "outer"}, {"y"});
  body->add_output()->set_name("y");
  EXPECT_EQ(node_inputs(n), (Names{"trip", "outer"}));
}

TEST(NodeInputs, NestedAndListedGraphsAreWalked) {
  onnx::NodeProto n;
  n.set_op_type("Custom");
  auto* a = n.add_attribute();
  a->set_name("bodies");
  a->set_type(onnx::AttributeProto::GRAPHS);
  auto* first = a->add_graphs();
  auto* inner_if = add_node(*first, {"c"}, {"r"});
  inner_if->set_op_type("If");
  auto* deep = add_graph(*inner_if, "then_branch");
  first->add_initializer()->set_name("local");
  add_node(*deep, {"local", "deep_outer"}, {"d"});  // local is defined one level up
  add_node(*a->add_graphs(), {"second_outer"}, {"s"});
  EXPECT_EQ(node_inputs(n), (Names{"c", "deep_outer", "second_outer"}));
}

}  // namespace
}  // namespace mx
