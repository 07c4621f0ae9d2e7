// The registry picks the newest entry the target opset allows; YAML rows are checked.
#include "convert/op_registry.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mx {
namespace {

void emit_a(EmitContext&) {}
void emit_b(EmitContext&) {}

TEST(OpRegistry, NewestEntryThatTheOpsetAllowsWins) {
  OpRegistry r;
  r.add("aten::layer_norm", 17, emit_b, "b");
  r.add("aten::layer_norm", 1, emit_a, "a");
  EXPECT_EQ(r.find("aten::layer_norm", 16)->emit, emit_a);
  EXPECT_EQ(r.find("aten::layer_norm", 17)->emit, emit_b);
  EXPECT_EQ(r.find("aten::nothing", 17), nullptr);
}

TEST(OpRegistry, EntryNeedingANewerOpsetIsNotFound) {
  OpRegistry r;
  r.add("aten::x", 15, emit_a, "a");
  EXPECT_EQ(r.find("aten::x", 14), nullptr);
  EXPECT_EQ(r.all("aten::x").size(), 1u);
}

TEST(OpRegistry, RowsFromYaml) {
  OpRegistry r;
  r.add_rows("operators:\n  - {aten: aten::relu, onnx: Relu, since: 14}\n  - {aten: aten::tanh, onnx: Tanh}\n",
             "test.yaml");
  ASSERT_NE(r.find("aten::relu", 17), nullptr);
  EXPECT_EQ(r.find("aten::relu", 17)->onnx_op, "Relu");
  EXPECT_EQ(r.find("aten::relu", 13), nullptr);
  EXPECT_EQ(r.find("aten::tanh", 1)->source, "test.yaml");
}

TEST(OpRegistry, BadRowsNameTheFile) {
  OpRegistry r;
  try {
    r.add_rows("operators:\n  - {aten: aten::relu}\n", "plugin.yaml");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'plugin.yaml' lacks 'aten' or 'onnx' (line 2)"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(r.add_rows("operators: [", "broken.yaml"), Error);
}

TEST(OpRegistry, BuiltinCoversResnetAndMlpOps) {
  auto r = OpRegistry::builtin();
  for (const char* op : {"aten::_convolution", "aten::batch_norm", "aten::relu_", "aten::max_pool2d", "aten::add_",
                         "aten::adaptive_avg_pool2d", "aten::flatten", "aten::linear", "aten::relu"})
    EXPECT_NE(r.find(op, 17), nullptr) << op;
}

}  // namespace
}  // namespace mx
