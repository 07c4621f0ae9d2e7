// BatchNormalization folding on hand-built graphs (its numerics are checked in ONNX Runtime
// by the zoo and export tests).
#include "passes/fold_batchnorm.h"

#include <gtest/gtest.h>

#include <set>

#include "core/passes/pass_models.h"

namespace mx {
namespace {

using test::add;
using test::add_floats;
using test::floats;

// A Conv (weight {2, 3} on two output channels, beside the proto) and a BatchNormalization
// with k = {1/2, 1} (epsilon 1): w' = {1, 3}.
ConvertedModel conv_bn_model() {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y");
  add_floats(m, "conv.weight", {2, 1, 1, 1}, {2, 3}, true);
  add_floats(m, "bn.weight", {2}, {1, 4});
  add_floats(m, "bn.bias", {2}, {0.5f, -1});
  add_floats(m, "bn.running_mean", {2}, {1, 2});
  add_floats(m, "bn.running_var", {2}, {3, 15});
  add(m, "Conv", {"x", "conv.weight"}, {"c"}, 0);
  auto* bn = add(m, "BatchNormalization", {"c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"}, {"y"}, 1);
  auto* eps = bn->add_attribute();
  eps->set_name("epsilon");
  eps->set_type(onnx::AttributeProto::FLOAT);
  eps->set_f(1.0f);
  return m;
}

TEST(FoldBatchnorm, ScalesWeightsAndBiasPerChannel) {
  ConvertedModel m = conv_bn_model();
  auto notes = fold_batchnorm(m);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].trace_entry, 1);
  ASSERT_EQ(m.model.graph().node_size(), 1);
  const auto& conv = m.model.graph().node(0);
  EXPECT_EQ(conv.output(0), "y");
  // k = scale / sqrt(var + eps) = {1/2, 4/4}; w' = w * k; b' = (0 - mean) * k + shift
  EXPECT_EQ(floats(m, conv.input(1)), (std::vector<float>{1, 3}));
  EXPECT_EQ(floats(m, conv.input(2)), (std::vector<float>{0, -3}));
  EXPECT_EQ(m.folded.size(), 1u);
}

TEST(FoldBatchnorm, LeavesAConvWithOtherUsersAlone) {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y");
  m.model.mutable_graph()->add_output()->set_name("c");
  for (auto n : {"w", "s", "b", "mu", "var"}) add_floats(m, n, {1, 1, 1, 1}, {1});
  add(m, "Conv", {"x", "w"}, {"c"}, 0);
  add(m, "BatchNormalization", {"c", "s", "b", "mu", "var"}, {"y"}, 1);
  EXPECT_TRUE(fold_batchnorm(m).empty());
  EXPECT_EQ(m.model.graph().node_size(), 2);
}

// The Conv's output is read by the BatchNorm and by an If's branch: folding would hand the
// branch the normalized values.
TEST(FoldBatchnorm, LeavesAConvWhoseOutputASubgraphReadsAlone) {
  ConvertedModel m = conv_bn_model();
  auto* branch = add(m, "If", {"cond"}, {"z"}, 2)->add_attribute();
  branch->set_name("then_branch");
  branch->set_type(onnx::AttributeProto::GRAPH);
  auto* inner = branch->mutable_g()->add_node();
  inner->set_op_type("Identity");
  inner->add_input("c");
  inner->add_output("z_inner");
  m.model.mutable_graph()->add_output()->set_name("z");
  EXPECT_TRUE(fold_batchnorm(m).empty());
  ASSERT_EQ(m.model.graph().node_size(), 3);
  EXPECT_EQ(m.model.graph().node(0).output(0), "c");
  EXPECT_EQ(floats(m, "conv.weight"), (std::vector<float>{2, 3}));
}

// The Conv's own bias goes through the BatchNorm too: b' = (b - mean) * k + shift.
TEST(FoldBatchnorm, KeepsTheConvsOwnBias) {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y");
  add_floats(m, "conv.weight", {2, 1, 1, 1}, {2, 3}, true);
  add_floats(m, "conv.bias", {2}, {5, -2}, true);
  add_floats(m, "bn.weight", {2}, {1, 4});
  add_floats(m, "bn.bias", {2}, {0.5f, -1});
  add_floats(m, "bn.running_mean", {2}, {1, 2});
  add_floats(m, "bn.running_var", {2}, {3, 15});
  add(m, "Conv", {"x", "conv.weight", "conv.bias"}, {"c"}, 0);
  auto* bn = add(m, "BatchNormalization", {"c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"}, {"y"}, 1);
  auto* eps = bn->add_attribute();
  eps->set_name("epsilon");
  eps->set_type(onnx::AttributeProto::FLOAT);
  eps->set_f(1.0f);
  ASSERT_EQ(fold_batchnorm(m).size(), 1u);
  ASSERT_EQ(m.model.graph().node_size(), 1);
  const auto& conv = m.model.graph().node(0);
  ASSERT_EQ(conv.input_size(), 3);
  // k = {1/2, 1}: w' = {1, 3}; b' = {(5 - 1) / 2 + 0.5, (-2 - 2) * 1 - 1} = {2.5, -5}
  EXPECT_EQ(floats(m, conv.input(1)), (std::vector<float>{1, 3}));
  EXPECT_EQ(floats(m, conv.input(2)), (std::vector<float>{2.5f, -5}));
}

// A module called twice (the same Conv and BatchNorm parameters, two pairs of nodes): the
// folded weights are made once and shared, so initializer names stay unique.
TEST(FoldBatchnorm, AModuleCalledTwiceSharesOneFoldedPair) {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y2");
  for (auto n : {"w", "s", "b", "mu", "var"}) add_floats(m, n, {1, 1, 1, 1}, {1});
  add(m, "Conv", {"x", "w"}, {"c1"}, 0);
  add(m, "BatchNormalization", {"c1", "s", "b", "mu", "var"}, {"y1"}, 1);
  add(m, "Conv", {"y1", "w"}, {"c2"}, 2);
  add(m, "BatchNormalization", {"c2", "s", "b", "mu", "var"}, {"y2"}, 3);
  EXPECT_EQ(fold_batchnorm(m).size(), 2u);
  ASSERT_EQ(m.model.graph().node_size(), 2);
  std::set<std::string> names;
  for (const auto& t : m.model.graph().initializer()) EXPECT_TRUE(names.insert(t.name()).second) << t.name();
  EXPECT_EQ(m.model.graph().node(0).input(1), m.model.graph().node(1).input(1));
  EXPECT_EQ(m.model.graph().node(0).input(2), m.model.graph().node(1).input(2));
}

// One Conv's weights followed by two different BatchNorms: two folded pairs, distinct names.
TEST(FoldBatchnorm, OneConvWeightWithTwoBatchnormsGetsTwoNames) {
  ConvertedModel m;
  m.model.mutable_graph()->add_output()->set_name("y2");
  for (auto n : {"w", "s", "b", "mu", "var", "var2"}) add_floats(m, n, {1, 1, 1, 1}, {1});
  add(m, "Conv", {"x", "w"}, {"c1"}, 0);
  add(m, "BatchNormalization", {"c1", "s", "b", "mu", "var"}, {"y1"}, 1);
  add(m, "Conv", {"y1", "w"}, {"c2"}, 2);
  add(m, "BatchNormalization", {"c2", "s", "b", "mu", "var2"}, {"y2"}, 3);
  EXPECT_EQ(fold_batchnorm(m).size(), 2u);
  std::set<std::string> names;
  for (const auto& t : m.model.graph().initializer()) EXPECT_TRUE(names.insert(t.name()).second) << t.name();
  EXPECT_NE(m.model.graph().node(0).input(1), m.model.graph().node(1).input(1));
}

const float* bytes_of(const ConvertedModel& m, const std::string& name) {
  auto found = m.external_data.find(name);
  return found == m.external_data.end() ? nullptr : static_cast<const float*>(found->second.data);
}

// InPlace: the folded weight is written over the original's bytes and the new initializer
// holds them (no second buffer); the original initializer is gone.
TEST(FoldBatchnorm, InPlaceWritesOverTheOriginalBytes) {
  ConvertedModel m = conv_bn_model();
  const float* original = bytes_of(m, "conv.weight");
  ASSERT_EQ(fold_batchnorm(m, FoldWeights::InPlace).size(), 1u);
  const std::string folded = m.model.graph().node(0).input(1);
  EXPECT_EQ(bytes_of(m, folded), original);
  EXPECT_EQ(floats(m, folded), (std::vector<float>{1, 3}));
  EXPECT_EQ(floats(m, m.model.graph().node(0).input(2)), (std::vector<float>{0, -3}));
  EXPECT_EQ(bytes_of(m, "conv.weight"), nullptr);
  EXPECT_EQ(original[0], 1.0f);  // the bytes the model still holds (they outlive the entry)
}

// Copy, the default: the original bytes keep their values.
TEST(FoldBatchnorm, CopyLeavesTheOriginalBytes) {
  ConvertedModel m = conv_bn_model();
  auto keep = m.external_data.at("conv.weight").owner;
  const float* original = bytes_of(m, "conv.weight");
  ASSERT_EQ(fold_batchnorm(m).size(), 1u);
  EXPECT_NE(bytes_of(m, m.model.graph().node(0).input(1)), original);
  EXPECT_EQ(floats(m, m.model.graph().node(0).input(1)), (std::vector<float>{1, 3}));
  EXPECT_EQ(original[0], 2.0f);
  EXPECT_EQ(original[1], 3.0f);
}

// InPlace, but another initializer views the same bytes (one storage, two tensors): the
// other's values must not change, so the fold copies.
TEST(FoldBatchnorm, InPlaceCopiesWhenAnotherInitializerSharesTheBytes) {
  ConvertedModel m = conv_bn_model();
  TensorData view = m.external_data.at("conv.weight");
  view.shape = {1};  // the first channel's weight, whose factor is 1/2
  view.nbytes = sizeof(float);
  m.add_initializer("view", view, -1);
  m.model.mutable_graph()->add_output()->set_name("v");
  add(m, "Identity", {"view"}, {"v"}, 2);
  ASSERT_EQ(fold_batchnorm(m, FoldWeights::InPlace).size(), 1u);
  EXPECT_EQ(floats(m, m.model.graph().node(0).input(1)), (std::vector<float>{1, 3}));
  EXPECT_EQ(floats(m, "view"), (std::vector<float>{2}));
  EXPECT_EQ(floats(m, "conv.weight"), (std::vector<float>{}));  // dead, removed
}

// InPlace, but a subgraph (an If's branch) reads the weight too: it must keep its values.
TEST(FoldBatchnorm, InPlaceCopiesWhenASubgraphReadsTheWeight) {
  ConvertedModel m = conv_bn_model();
  auto keep = m.external_data.at("conv.weight").owner;
  const float* original = bytes_of(m, "conv.weight");
  auto* branch = add(m, "If", {"cond"}, {"z"}, 2)->add_attribute();
  branch->set_name("then_branch");
  branch->set_type(onnx::AttributeProto::GRAPH);
  auto* inner = branch->mutable_g()->add_node();
  inner->set_op_type("Identity");
  inner->add_input("conv.weight");
  inner->add_output("z_inner");
  m.model.mutable_graph()->add_output()->set_name("z");
  ASSERT_EQ(fold_batchnorm(m, FoldWeights::InPlace).size(), 1u);
  EXPECT_NE(bytes_of(m, m.model.graph().node(0).input(1)), original);
  EXPECT_EQ(original[0], 2.0f);
  EXPECT_EQ(original[1], 3.0f);
}

// InPlace, but another node reads the weight as well (a Conv weight that is also an output).
TEST(FoldBatchnorm, InPlaceCopiesWhenAnotherNodeReadsTheWeight) {
  ConvertedModel m = conv_bn_model();
  auto keep = m.external_data.at("conv.weight").owner;
  const float* original = bytes_of(m, "conv.weight");
  m.model.mutable_graph()->add_output()->set_name("w_out");
  add(m, "Identity", {"conv.weight"}, {"w_out"}, 2);
  ASSERT_EQ(fold_batchnorm(m, FoldWeights::InPlace).size(), 1u);
  EXPECT_EQ(floats(m, "conv.weight"), (std::vector<float>{2, 3}));
  EXPECT_EQ(original[0], 2.0f);
}

}  // namespace
}  // namespace mx
