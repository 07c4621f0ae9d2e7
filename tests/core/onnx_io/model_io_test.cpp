// Writing a model whose initializer bytes live outside the proto: protobuf's own parser is
// the oracle (the file must parse to the model with the bytes put in raw_data).
#include "onnx_io/model_io.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <numeric>
#include <sstream>

#include "base/error.h"
#include "onnx_io/node_metadata.h"

namespace mx {
namespace {

TensorData bytes_of(DType dtype, std::vector<int64_t> shape, std::string bytes) {
  auto kept = std::make_shared<std::string>(std::move(bytes));
  return TensorData{dtype, std::move(shape), kept, kept->data(), kept->size()};
}

void add_external(ConvertedModel& m, const std::string& name, const TensorData& data) {
  auto* t = m.model.mutable_graph()->add_initializer();
  t->set_name(name);
  set_tensor_header(*t, data);
  m.external_data[name] = data;
}

// y = x + w + b + e (a model ONNX's checker accepts), with a tag on the node.
ConvertedModel sample() {
  ConvertedModel m;
  m.model.set_ir_version(8);
  m.model.set_producer_name("modelexport-test");
  m.model.add_opset_import()->set_version(17);
  auto* g = m.model.mutable_graph();
  g->set_name("g");
  auto declare = [](onnx::ValueInfoProto* info, const std::string& name) {
    info->set_name(name);
    auto* type = info->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    type->mutable_shape()->add_dim()->set_dim_value(300);
  };
  declare(g->add_input(), "x");
  declare(g->add_output(), "y");
  std::string weights(300 * sizeof(float), '\0');
  std::vector<float> values(300);
  std::iota(values.begin(), values.end(), -7.5f);
  std::memcpy(weights.data(), values.data(), weights.size());
  add_external(m, "w", bytes_of(DType::Float, {300}, weights));
  add_external(m, "empty", bytes_of(DType::Float, {0}, ""));
  auto* b = g->add_initializer();  // an inline one beside them
  b->set_name("b");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_float_data(0.25f);
  std::vector<std::string> inputs{"x", "w", "b"};
  std::string last = "x";
  for (size_t i = 1; i < inputs.size(); ++i) {
    auto* n = g->add_node();
    n->set_op_type("Add");
    n->set_name("/Add_" + std::to_string(i));
    n->add_input(last);
    n->add_input(inputs[i]);
    last = i + 1 == inputs.size() ? "y" : "sum" + std::to_string(i);
    n->add_output(last);
    add_node_metadata(*n, "modelexport.tag", "/M/Linear.fc");  // an unknown field on libonnx 1.12
  }
  return m;
}

// `m` with every external initializer's bytes copied into raw_data (none for an empty one).
onnx::ModelProto materialized(const ConvertedModel& m) {
  onnx::ModelProto copy = m.model;
  for (auto& t : *copy.mutable_graph()->mutable_initializer())
    if (auto it = m.external_data.find(t.name()); it != m.external_data.end() && it->second.nbytes > 0)
      t.set_raw_data(it->second.data, it->second.nbytes);
  return copy;
}

std::string written(ConvertedModel& m) {
  std::ostringstream out;
  write_converted(m, out);
  return out.str();
}

TEST(WriteConverted, ParsesToTheModelWithTheBytesInRawData) {
  ConvertedModel m = sample();
  onnx::ModelProto parsed;
  ASSERT_TRUE(parsed.ParseFromString(written(m)));
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(materialized(m), parsed)) << diff;
  EXPECT_EQ(parsed.graph().initializer(0).raw_data().size(), 300 * sizeof(float));
  EXPECT_FALSE(parsed.graph().initializer(1).has_raw_data());  // no data field on an empty tensor
}

TEST(WriteConverted, LeavesTheModelAsItWas) {
  ConvertedModel m = sample();
  std::string before = m.model.SerializeAsString();
  written(m);
  EXPECT_EQ(m.model.SerializeAsString(), before);
  EXPECT_FALSE(m.model.graph().initializer(0).has_raw_data());
}

TEST(WriteConverted, AModelWithoutExternalBytesParsesBackEqual) {
  ConvertedModel m = sample();
  onnx::ModelProto expected = materialized(m);
  m.model = expected;
  m.external_data.clear();
  onnx::ModelProto parsed;
  ASSERT_TRUE(parsed.ParseFromString(written(m)));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(expected, parsed));
}

TEST(WriteConverted, RefusesOver2GiBBeforeWritingAnything) {
  ConvertedModel m = sample();
  static const char one = 0;
  TensorData huge{DType::Float, {int64_t{1} << 30}, nullptr, &one, size_t{4} << 30};  // never read
  add_external(m, "huge", huge);
  std::ostringstream out;
  try {
    write_converted(m, out);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("2 GiB"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(out.str().empty());
}

TEST(CheckConverted, AcceptsExternalInitializersAndRestoresThem) {
  ConvertedModel m = sample();
  EXPECT_NO_THROW(check_converted(m));
  EXPECT_FALSE(m.model.graph().initializer(0).has_raw_data());
}

TEST(CheckConverted, ReportsABrokenModelAndStillRestores) {
  ConvertedModel m = sample();
  m.model.mutable_graph()->mutable_node(0)->set_op_type("NoSuchOp");
  EXPECT_ANY_THROW(check_converted(m));
  EXPECT_FALSE(m.model.graph().initializer(0).has_raw_data());
}

TEST(InitializerBytes, ExternalElseRawData) {
  ConvertedModel m = sample();
  EXPECT_EQ(initializer_bytes(m, m.model.graph().initializer(0)).size(), 300 * sizeof(float));
  onnx::TensorProto inline_tensor;
  inline_tensor.set_name("other");
  inline_tensor.set_raw_data("abcd");
  EXPECT_EQ(initializer_bytes(m, inline_tensor), "abcd");
}

}  // namespace
}  // namespace mx
