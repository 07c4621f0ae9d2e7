// The converter on a tiny hand-built trace: which ONNX nodes come out, how they are named,
// where they came from, and what dynamic-axis marks beside the trace change.
#include "convert/convert.h"

#include <gtest/gtest.h>

#include <memory>

#include "base/error.h"

namespace mx {
namespace {

// x -> relu (in module "act") -> mul by the parameter "scale" (in the root) -> output, plus
// an aten::size of the parameter, which depends on no input and so emits nothing.
struct TinyTrace {
  Trace t;
  int64_t x, relu_out, scale, size_out, mul_out;
  std::shared_ptr<std::vector<float>> scale_values = std::make_shared<std::vector<float>>(3, 2.0f);

  int64_t value(Value v) {
    t.values.push_back(std::move(v));
    return static_cast<int64_t>(t.values.size()) - 1;
  }
  int64_t tensor(std::vector<int64_t> shape, int64_t producer) {
    Value v;
    v.kind = Value::Kind::Tensor;
    v.dtype = DType::Float;
    v.shape = std::move(shape);
    v.producer = producer;
    return value(v);
  }
  void entry(const std::string& op, const std::string& overload, std::vector<int64_t> in, std::vector<int64_t> out,
             std::vector<int64_t> stack) {
    TraceEntry e;
    e.op = op;
    e.overload = overload;
    e.inputs = std::move(in);
    e.outputs = std::move(out);
    e.module_stack = std::move(stack);
    t.entries.push_back(e);
  }

  TinyTrace() {
    t.model_path = "tiny.pt";
    Module root, act;
    root.class_name = "Net";
    root.children = {1};
    act.path = act.attr = "act";
    act.class_name = "ReLU";
    act.parent = 0;
    t.modules = {root, act};
    x = tensor({2, 3}, -1);
    t.inputs.push_back({"x", x});
    scale = tensor({3}, -1);
    auto& s = t.values[scale];
    s.param_name = "scale";
    s.owner_module = 0;
    s.data = std::make_shared<TensorData>(
        TensorData{DType::Float, {3}, scale_values, scale_values->data(), scale_values->size() * sizeof(float)});
    Value zero;
    zero.kind = Value::Kind::Int;
    int64_t dim = value(zero);
    relu_out = tensor({2, 3}, 0);
    entry("aten::relu", "", {x}, {relu_out}, {0, 1});
    Value three;
    three.kind = Value::Kind::Int;
    three.i = 3;
    three.producer = 1;
    size_out = value(three);
    entry("aten::size", "int", {scale, dim}, {size_out}, {0});
    mul_out = tensor({2, 3}, 2);
    entry("aten::mul", "Tensor", {relu_out, scale}, {mul_out}, {0});
    t.outputs = {mul_out};
  }
};

TEST(Convert, EmitsOneNodePerComputingOpNamedForItsModule) {
  TinyTrace tt;
  ConvertedModel m = convert(tt.t, OpRegistry::builtin(), ConvertOptions{});
  const auto& g = m.model.graph();
  ASSERT_EQ(g.node_size(), 2);  // aten::size of a parameter is folded: no Shape, no Gather
  EXPECT_EQ(g.node(0).op_type(), "Relu");
  EXPECT_EQ(g.node(0).name(), "/act/Relu");
  EXPECT_EQ(g.node(1).op_type(), "Mul");
  EXPECT_EQ(g.node(1).name(), "/Mul");
  ASSERT_EQ(g.node(1).input_size(), 2);
  EXPECT_EQ(g.node(1).input(0), g.node(0).output(0));
  EXPECT_EQ(g.node(1).input(1), "scale");
  EXPECT_EQ(g.node(1).output(0), "output_0");  // renamed in place: no Identity
  ASSERT_EQ(m.origins.size(), 2u);
  EXPECT_EQ(m.origins[0].trace_entry, 0);
  EXPECT_EQ(m.origins[1].trace_entry, 2);
  EXPECT_TRUE(m.origins[0].primary && m.origins[1].primary);
}

TEST(Convert, ParametersBecomeInitializersOwnedByTheirModule) {
  TinyTrace tt;
  ConvertedModel m = convert(tt.t, OpRegistry::builtin(), ConvertOptions{});
  const auto& g = m.model.graph();
  ASSERT_EQ(g.initializer_size(), 1);
  EXPECT_EQ(g.initializer(0).name(), "scale");
  EXPECT_EQ(m.initializer_owner.at("scale"), 0);
  EXPECT_EQ(m.external_data.at("scale").data, tt.scale_values->data());  // bytes not copied
  ASSERT_EQ(g.input_size(), 1);
  EXPECT_EQ(g.input(0).name(), "x");
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(0).dim_value(), 2);
  EXPECT_EQ(m.value_ids.at("x"), tt.x);
  EXPECT_EQ(m.value_ids.at("output_0"), tt.mul_out);
}

TEST(Convert, DynamicMarksBesideTheTraceGiveDimParamsAndComputeSizes) {
  TinyTrace tt;
  DynamicMarks d;
  d.shape_dynamic.assign(tt.t.values.size(), 0);
  d.dim_labels.resize(tt.t.values.size());
  d.dim_labels[tt.x] = {"batch", ""};
  d.dim_labels[tt.mul_out] = {"batch", ""};
  d.shape_dynamic[tt.size_out] = 1;  // as if the parameter's size followed an axis
  const Trace& before = tt.t;
  ConvertedModel m = convert(before, d, OpRegistry::builtin(), ConvertOptions{});
  const auto& g = m.model.graph();
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(0).dim_param(), "batch");
  EXPECT_EQ(g.input(0).type().tensor_type().shape().dim(1).dim_value(), 3);
  EXPECT_EQ(g.output(0).type().tensor_type().shape().dim(0).dim_param(), "batch");
  std::vector<std::string> ops;
  for (const auto& n : g.node()) ops.push_back(n.op_type());
  // size(scale, 0) now computed: Shape, the index 0 as a Constant, Gather.
  EXPECT_EQ(ops, (std::vector<std::string>{"Relu", "Shape", "Constant", "Gather", "Mul"}));
}

TEST(Convert, AnOpNoConverterHandlesIsNamedWithItsModule) {
  TinyTrace tt;
  tt.t.entries[0].op = "aten::no_such_op";
  try {
    convert(tt.t, OpRegistry::builtin(), ConvertOptions{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("aten::no_such_op"), std::string::npos) << what;
    EXPECT_NE(what.find("'act'"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mx
