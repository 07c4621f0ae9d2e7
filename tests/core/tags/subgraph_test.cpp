// SubgraphExtractor on the tiny model: boundaries, initializers, constants, order, regions.
#include <gtest/gtest.h>
#include <onnx/checker.h>

#include "base/error.h"
#include "tags/subgraph.h"
#include "support/tiny_tagged_model.h"

namespace mx::test {
namespace {

std::vector<std::string> names(const google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>& vs) {
  std::vector<std::string> out;
  for (const auto& v : vs) out.push_back(v.name());
  return out;
}

std::vector<std::string> initializer_names(const onnx::GraphProto& g) {
  std::vector<std::string> out;
  for (const auto& i : g.initializer()) out.push_back(i.name());
  std::sort(out.begin(), out.end());
  return out;
}

class SubgraphTest : public ::testing::Test {
 protected:
  SubgraphExtractor x{tiny_tagged_model()};
};

TEST_F(SubgraphTest, BlockPairKeepsWeightsAndTurnsOutsideConstantIntoInitializer) {
  Subgraph s = x.extract({2, 3, 4}, "enc");
  const auto& g = s.model.graph();
  EXPECT_EQ(names(g.input()), std::vector<std::string>{"a"});
  EXPECT_EQ(names(g.output()), std::vector<std::string>{"b2"});
  EXPECT_EQ(initializer_names(g), (std::vector<std::string>{"W0", "W1", "c"}));
  EXPECT_EQ(s.regions, 1);
  EXPECT_EQ(g.input(0).type().tensor_type().elem_type(), onnx::TensorProto::FLOAT);  // from shape inference
  EXPECT_NO_THROW(onnx::checker::check_model(s.model));
}

TEST_F(SubgraphTest, ModuleCalledTwiceGivesTwoRegions) {
  Subgraph s = x.extract({1, 5}, "act");
  EXPECT_EQ(names(s.model.graph().input()), (std::vector<std::string>{"x", "b2"}));
  EXPECT_EQ(names(s.model.graph().output()), (std::vector<std::string>{"a", "a2"}));
  EXPECT_EQ(s.regions, 2);
  EXPECT_TRUE(s.model.graph().initializer().empty());
  EXPECT_NO_THROW(onnx::checker::check_model(s.model));
}

TEST_F(SubgraphTest, GraphOutputStaysAnOutput) {
  Subgraph s = x.extract({6}, "head");
  EXPECT_EQ(names(s.model.graph().output()), std::vector<std::string>{"y"});
  EXPECT_EQ(names(s.model.graph().input()), std::vector<std::string>{"a2"});
}

TEST_F(SubgraphTest, NodesComeOutInTopologicalOrderWhateverTheRequestOrder) {
  Subgraph s = x.extract({4, 3, 2}, "enc");
  std::vector<std::string> order;
  for (const auto& n : s.model.graph().node()) order.push_back(n.name());
  EXPECT_EQ(order, (std::vector<std::string>{"/enc/blocks.0/MatMul", "/enc/blocks.0/Add", "/enc/blocks.1/MatMul"}));
}

TEST_F(SubgraphTest, WholeGraphIsTheModelAgain) {
  Subgraph s = x.extract({0, 1, 2, 3, 4, 5, 6}, "all");
  EXPECT_EQ(names(s.model.graph().input()), std::vector<std::string>{"x"});
  EXPECT_EQ(names(s.model.graph().output()), std::vector<std::string>{"y"});
  EXPECT_EQ(s.nodes, 7);
  EXPECT_EQ(initializer_names(s.model.graph()), (std::vector<std::string>{"W0", "W1", "Wh"}));
}

TEST_F(SubgraphTest, NodeMetadataIsKept) {
  Subgraph s = x.extract({6}, "head");
  EXPECT_EQ(node_metadata(s.model.graph().node(0), kTagKey), "/Net/Linear");
}

TEST_F(SubgraphTest, NodesWhoseOutputsNobodyUsesAreRefused) {
  auto model = tiny_tagged_model();
  auto* dead = model.mutable_graph()->add_node();
  dead->set_op_type("Relu");
  dead->set_name("/dead/Relu");
  dead->add_input("x");
  dead->add_output("unused");
  SubgraphExtractor y(model);
  try {
    y.extract({7}, "module 'dead'");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("produce nothing that is used outside them"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mx::test
