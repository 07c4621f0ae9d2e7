// Clean-up passes: BatchNormalization folding (its numerics are checked in ONNX Runtime by
// the zoo and export tests) and dead node removal, on hand-built graphs.
#include "passes/graph_cleanup.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>

#include "onnx_io/model_io.h"

namespace mx {
namespace {

onnx::NodeProto* add(ConvertedModel& m, const std::string& op, std::vector<std::string> ins,
                     std::vector<std::string> outs, int64_t entry) {
  auto* n = m.model.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name("/" + op + "_" + std::to_string(entry));
  for (auto& i : ins) n->add_input(i);
  for (auto& o : outs) n->add_output(o);
  m.origins.push_back({entry, true});
  return n;
}

// In raw_data, or (external) beside the proto as GraphBuilder keeps parameters.
void add_floats(ConvertedModel& m, const std::string& name, std::vector<int64_t> dims, std::vector<float> values,
                bool external = false) {
  auto* t = m.model.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) t->add_dims(d);
  if (!external) {
    t->set_raw_data(values.data(), values.size() * sizeof(float));
    return;
  }
  auto kept = std::make_shared<std::vector<float>>(std::move(values));
  m.external_data[name] = TensorData{DType::Float, dims, kept, kept->data(), kept->size() * sizeof(float)};
}

std::vector<float> floats(const ConvertedModel& m, const std::string& name) {
  for (const auto& t : m.model.graph().initializer())
    if (t.name() == name) {
      std::string_view bytes = initializer_bytes(m, t);
      std::vector<float> v(bytes.size() / 4);
      std::memcpy(v.data(), bytes.data(), bytes.size());
      return v;
    }
  return {};
}

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

TEST(FoldBatchnorm, ScalesWeightsAndBiasPerChannel) {
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

}  // namespace
}  // namespace mx
