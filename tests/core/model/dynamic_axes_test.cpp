// Dynamic-axis analysis on two hand-built traces of the same ops, the second with the
// declared axis one larger: which values it marks, which dims it labels, what stays folded,
// and that the traces themselves stay as tracing made them.
#include "model/dynamic_axes.h"

#include <gtest/gtest.h>

#include <memory>

#include "base/error.h"

namespace mx {
namespace {

// x[batch, 3] -> n = size(x, 0), c = size(x, 1), q = n // 32, ones = ones([n]), r = relu(x)
struct Traced {
  Trace t;
  int64_t x, zero, one, n, c, k32, q, list, ones, r;

  int64_t value(Value v) {
    t.values.push_back(std::move(v));
    return static_cast<int64_t>(t.values.size()) - 1;
  }
  int64_t number(int64_t i, int64_t producer) {
    Value v;
    v.kind = Value::Kind::Int;
    v.i = i;
    v.producer = producer;
    return value(v);
  }
  int64_t tensor(std::vector<int64_t> shape, int64_t producer, bool constant) {
    Value v;
    v.kind = Value::Kind::Tensor;
    v.dtype = DType::Float;
    v.shape = shape;
    v.producer = producer;
    if (constant) v.data = std::make_shared<TensorData>(TensorData{DType::Float, shape, nullptr, nullptr, 0});
    return value(v);
  }
  void entry(const std::string& op, std::vector<int64_t> in, std::vector<int64_t> out) {
    TraceEntry e;
    e.op = op;
    e.inputs = std::move(in);
    e.outputs = std::move(out);
    e.module_stack = {0};
    t.entries.push_back(e);
  }

  explicit Traced(int64_t batch) {
    t.model_path = "m.pt";
    t.modules.resize(1);
    x = tensor({batch, 3}, -1, false);
    t.inputs.push_back({"x", x});
    zero = number(0, -1);
    one = number(1, -1);
    k32 = number(32, -1);
    n = number(batch, 0);
    entry("aten::size", {x, zero}, {n});
    c = number(3, 1);
    entry("aten::size", {x, one}, {c});
    q = number(batch / 32, 2);  // 0 in both traces: dynamic by data flow, not by value
    entry("aten::floordiv", {n, k32}, {q});
    Value l;
    l.kind = Value::Kind::IntList;
    l.ints = {batch};
    l.elements = {n};
    l.producer = 3;
    list = value(l);
    entry("prim::ListConstruct", {n}, {list});
    ones = tensor({batch}, 4, true);  // the trace folded it: no input tensor went in
    entry("aten::ones", {list}, {ones});
    r = tensor({batch, 3}, 5, false);
    entry("aten::relu", {x}, {r});
  }
};

DynamicMarks analyze(const Traced& a, const Traced& b) {
  return analyze_dynamic_axes(a.t, b.t, {parse_dynamic_axis("x:0:batch")});
}

TEST(DynamicAxes, SizesOfTheAxisAndWhatFollowsFromThemAreDynamic) {
  Traced a(2), b(3);
  DynamicMarks d = analyze(a, b);
  EXPECT_TRUE(d.is_shape_dynamic(a.n));
  EXPECT_FALSE(d.is_shape_dynamic(a.c));  // the static dim stays a constant
  EXPECT_TRUE(d.is_shape_dynamic(a.q));   // equal in both traces, computed from n
  EXPECT_TRUE(d.is_shape_dynamic(a.list));
  EXPECT_TRUE(d.is_shape_dynamic(a.ones));
  EXPECT_FALSE(d.is_shape_dynamic(a.zero));
}

TEST(DynamicAxes, LabelsDeclaredOnInputsFollowToDimsOfTheSameSizes) {
  Traced a(2), b(3);
  DynamicMarks d = analyze(a, b);
  EXPECT_EQ(d.labels(a.x), (std::vector<std::string>{"batch", ""}));
  EXPECT_EQ(d.labels(a.r), (std::vector<std::string>{"batch", ""}));
  EXPECT_EQ(d.labels(a.ones), (std::vector<std::string>{"batch"}));
  EXPECT_TRUE(d.labels(a.c).empty());
}

TEST(DynamicAxes, WhatIsFoldedFollowsTheMarksAndTheTraceStaysAsItWas) {
  Traced a(2), b(3);
  EXPECT_TRUE(is_folded(a.t, DynamicMarks{}, 4));  // static export: ones([2]) is a constant
  EXPECT_TRUE(is_folded(a.t, DynamicMarks{}, 0));
  EXPECT_FALSE(is_folded(a.t, DynamicMarks{}, 5));  // relu(x) always computes
  DynamicMarks d = analyze(a, b);
  EXPECT_FALSE(is_folded(a.t, d, 0));  // size(x, 0) is computed in the graph
  EXPECT_TRUE(is_folded(a.t, d, 1));   // size(x, 1) stays 3
  EXPECT_FALSE(is_folded(a.t, d, 4));
  EXPECT_EQ(constant_data(a.t, d, a.ones), nullptr);
  EXPECT_NE(constant_data(a.t, DynamicMarks{}, a.ones), nullptr);
  EXPECT_NE(a.t.values[a.ones].data, nullptr);  // analysis does not touch the trace
}

TEST(DynamicAxes, TracesThatRanDifferentOpsAreRefused) {
  Traced a(2), b(3);
  b.t.entries[5].op = "aten::sigmoid";
  try {
    analyze(a, b);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("aten::relu"), std::string::npos) << what;
    EXPECT_NE(what.find("--dynamic"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mx
