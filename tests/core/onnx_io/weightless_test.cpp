// strip_weights: the model re-encoded without its initializers' data, everything else equal.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "onnx_io/weightless.h"

namespace mx {
namespace {

onnx::ModelProto model_with_weights() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto* w = g->add_initializer();
  w->set_name("fc.weight");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(2);
  w->add_dims(3);
  w->set_raw_data(std::string(24, '\x7f'));
  auto* b = g->add_initializer();
  b->set_name("fc.bias");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(2);
  b->add_float_data(1.5f);
  b->add_float_data(-2.f);
  auto* n = g->add_node();
  n->set_op_type("Gemm");
  n->set_name("/fc/Gemm");
  n->add_input("x");
  n->add_input("fc.weight");
  n->add_output("y");
  g->add_input()->set_name("x");
  g->add_output()->set_name("y");
  return m;
}

TEST(StripWeights, KeepsEverythingButTheInitializersData) {
  auto m = model_with_weights();
  std::string bytes = m.SerializeAsString(), stripped;
  ASSERT_TRUE(strip_weights(bytes.data(), bytes.size(), stripped));
  onnx::ModelProto back;
  ASSERT_TRUE(back.ParseFromString(stripped));
  EXPECT_TRUE(back.graph().initializer(0).raw_data().empty());
  EXPECT_EQ(back.graph().initializer(1).float_data_size(), 0);
  auto expected = m;
  expected.mutable_graph()->mutable_initializer(0)->clear_raw_data();
  expected.mutable_graph()->mutable_initializer(1)->clear_float_data();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, expected));
  EXPECT_LT(stripped.size(), bytes.size() - 24);
}

TEST(StripWeights, RefusesATruncatedMessage) {
  std::string bytes = model_with_weights().SerializeAsString(), stripped;
  EXPECT_FALSE(strip_weights(bytes.data(), bytes.size() - 10, stripped));
}

}  // namespace
}  // namespace mx
