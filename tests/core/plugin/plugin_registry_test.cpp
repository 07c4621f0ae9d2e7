// Plugin manifests extend core's operator registry and declare auxiliary op types;
// conflicts are reported with both sources, never resolved silently.
#include "plugin/plugin_registry.h"

#include <gtest/gtest.h>
#include <modelexport/plugin.h>

namespace mx {
namespace {

PluginManifest plugin(const std::string& path) {
  PluginManifest m;
  m.manifest_path = path;
  m.name = path;
  return m;
}

OpRegistry core_with_relu() {
  OpRegistry r;
  r.add_row("aten::relu", "Relu", 14, "core/convert/ops/base_ops.yaml");
  return r;
}

TEST(PluginRegistry, PluginRowAddsAnOpCoreLacks) {
  auto a = plugin("/p/a.yaml");
  a.operators.push_back({"aten::asinh", "Asinh", 9, 5});
  auto e = merge_plugin_entries(core_with_relu(), {a});
  ASSERT_NE(e.registry.find("aten::asinh", 17), nullptr);
  EXPECT_EQ(e.registry.find("aten::asinh", 17)->onnx_op, "Asinh");
  EXPECT_EQ(e.registry.find("aten::asinh", 17)->source, "/p/a.yaml");
  EXPECT_EQ(e.registry.find("aten::asinh", 8), nullptr);
  EXPECT_TRUE(e.conflicts.empty());
  EXPECT_EQ(e.contributed["/p/a.yaml"], std::vector<std::string>{"operator aten::asinh -> Asinh (since opset 9)"});
}

TEST(PluginRegistry, RowForAnOpCoreConvertsIsAConflictAndCoreWins) {
  auto a = plugin("/p/a.yaml");
  a.operators.push_back({"aten::relu", "LeakyRelu", 1, 7});
  auto e = merge_plugin_entries(core_with_relu(), {a});
  ASSERT_EQ(e.conflicts.size(), 1u);
  EXPECT_EQ(e.conflicts[0],
            "plugin manifest '/p/a.yaml' (line 7): operator aten::relu is already converted by core "
            "(core/convert/ops/base_ops.yaml); this row is ignored");
  EXPECT_EQ(e.registry.find("aten::relu", 17)->onnx_op, "Relu");
  EXPECT_TRUE(e.contributed["/p/a.yaml"].empty());
}

TEST(PluginRegistry, SecondPluginAddingTheSameOpIsAConflict) {
  auto a = plugin("/p/a.yaml"), b = plugin("/p/b.yaml");
  a.operators.push_back({"aten::asinh", "Asinh", 9, 5});
  b.operators.push_back({"aten::asinh", "Asinh", 9, 3});
  auto e = merge_plugin_entries(OpRegistry(), {a, b});
  ASSERT_EQ(e.conflicts.size(), 1u);
  EXPECT_NE(e.conflicts[0].find("'/p/b.yaml' (line 3): operator aten::asinh was already added by '/p/a.yaml'"),
            std::string::npos)
      << e.conflicts[0];
  EXPECT_EQ(e.registry.all("aten::asinh").size(), 1u);
}

TEST(PluginRegistry, OnePluginMayGiveAnOpSeveralOpsetEntries) {
  auto a = plugin("/p/a.yaml");
  a.operators.push_back({"aten::x", "X1", 1, 5});
  a.operators.push_back({"aten::x", "X2", 16, 6});
  auto e = merge_plugin_entries(OpRegistry(), {a});
  EXPECT_TRUE(e.conflicts.empty());
  EXPECT_EQ(e.registry.find("aten::x", 15)->onnx_op, "X1");
  EXPECT_EQ(e.registry.find("aten::x", 17)->onnx_op, "X2");
}

TEST(PluginRegistry, AuxiliaryDeclarationsMergeAndDisagreementsAreConflicts) {
  auto a = plugin("/p/a.yaml"), b = plugin("/p/b.yaml");
  a.auxiliary.push_back({"Shape", MX_DECISION_CONSUMER, 4});
  b.auxiliary.push_back({"Shape", MX_DECISION_CONSUMER, 2});  // agrees: fine
  b.auxiliary.push_back({"Cast", MX_DECISION_PRODUCER, 3});
  a.auxiliary.push_back({"Cast", MX_DECISION_CONSUMER, 5});  // a comes first: a holds
  auto e = merge_plugin_entries(OpRegistry(), {a, b});
  EXPECT_EQ(e.auxiliary.at("Shape").inherit, MX_DECISION_CONSUMER);
  EXPECT_EQ(e.auxiliary.at("Cast").inherit, MX_DECISION_CONSUMER);
  EXPECT_EQ(e.auxiliary.at("Cast").source, "/p/a.yaml");
  ASSERT_EQ(e.conflicts.size(), 1u);
  EXPECT_NE(e.conflicts[0].find("'/p/b.yaml' (line 3): auxiliary op Cast inherits from its producers here but from "
                                "its consumers in '/p/a.yaml'"),
            std::string::npos)
      << e.conflicts[0];
}

TEST(PluginRegistry, BrokenManifestsContributeNothing) {
  auto a = plugin("/p/a.yaml");
  a.operators.push_back({"aten::asinh", "Asinh", 9, 5});
  a.error = "broken";
  auto e = merge_plugin_entries(OpRegistry(), {a});
  EXPECT_EQ(e.registry.find("aten::asinh", 17), nullptr);
}

}  // namespace
}  // namespace mx
