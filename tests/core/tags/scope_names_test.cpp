// Scope names as torch.onnx.export (1.13) writes them, mapped back to a module tree.
#include <gtest/gtest.h>

#include "tags/scope_names.h"

namespace mx::test {
namespace {

TEST(ParseScopedName, SplitsScopesAndDropsTheOp) {
  auto s = parse_scoped_name("/layer1/layer1.0/conv1/Conv");
  EXPECT_TRUE(s.has_scope);
  EXPECT_EQ(s.scopes, (std::vector<std::string>{"layer1", "layer1.0", "conv1"}));
  auto root = parse_scoped_name("/Flatten");
  EXPECT_TRUE(root.has_scope);
  EXPECT_TRUE(root.scopes.empty());
  EXPECT_FALSE(parse_scoped_name("Constant_12").has_scope);
  EXPECT_FALSE(parse_scoped_name("").has_scope);
}

TEST(UnqualifiedName, StartsAtTheLastNonNumericAtom) {
  // PyTorch's _unqualified_variable_name, examples from torch/onnx/utils.py and our models.
  EXPECT_EQ(unqualified_name("layer1.0.conv1"), "conv1");
  EXPECT_EQ(unqualified_name("layer1.0"), "layer1.0");
  EXPECT_EQ(unqualified_name("encoder.layer.0"), "layer.0");
  EXPECT_EQ(unqualified_name("features.0.0"), "features.0.0");
  EXPECT_EQ(unqualified_name("layer1"), "layer1");
  EXPECT_EQ(unqualified_name(""), "");
}

// root
//  layer1 (Sequential, called)
//   layer1.0 (BasicBlock): conv1, relu (called twice), relu_1 (a real attribute named so)
//  encoder (called) -> layer (ModuleList, never called) -> layer.0 -> attention
//  features (called) -> features.0 -> features.0.0
class ScopeResolverTest : public ::testing::Test {
 protected:
  int64_t add(const std::string& path, int64_t parent, int calls = 1) {
    Module m;
    m.path = path;
    m.attr = path.substr(path.rfind('.') + 1);
    m.parent = parent;
    m.calls = calls;
    modules.push_back(m);
    int64_t id = static_cast<int64_t>(modules.size()) - 1;
    if (parent >= 0) modules[parent].children.push_back(id);
    return id;
  }
  void SetUp() override {
    add("", -1);
    layer1 = add("layer1", 0);
    block = add("layer1.0", layer1);
    conv1 = add("layer1.0.conv1", block);
    relu = add("layer1.0.relu", block, 2);
    encoder = add("encoder", 0);
    list = add("encoder.layer", encoder, 0);
    layer0 = add("encoder.layer.0", list);
    attention = add("encoder.layer.0.attention", layer0);
    features = add("features", 0);
    f0 = add("features.0", features);
    f00 = add("features.0.0", f0);
  }
  std::vector<Module> modules;
  int64_t layer1, block, conv1, relu, encoder, list, layer0, attention, features, f0, f00;
};

TEST_F(ScopeResolverTest, ResolvesNestedScopes) {
  ScopeResolver r(modules);
  EXPECT_EQ(r.resolve({"layer1", "layer1.0", "conv1"}).module, conv1);
  EXPECT_EQ(r.resolve({"features", "features.0", "features.0.0"}).module, f00);
  EXPECT_EQ(r.resolve({}).module, 0);
}

TEST_F(ScopeResolverTest, ModuleListAddsNoLevel) {
  ScopeResolver r(modules);
  EXPECT_EQ(r.resolve({"encoder", "layer.0", "attention"}).module, attention);
}

TEST_F(ScopeResolverTest, RepeatedCallSuffixOnTheLastScope) {
  ScopeResolver r(modules);
  auto res = r.resolve({"layer1", "layer1.0", "relu_1"});
  EXPECT_EQ(res.module, relu);
  EXPECT_TRUE(res.repeated_call);
  EXPECT_FALSE(r.resolve({"layer1", "layer1.0", "relu"}).repeated_call);
}

TEST_F(ScopeResolverTest, AnAttributeReallyNamedWithSuffixWins) {
  int64_t real = add("layer1.0.relu_1", block);
  ScopeResolver r(modules);
  auto res = r.resolve({"layer1", "layer1.0", "relu_1"});
  EXPECT_EQ(res.module, real);
  EXPECT_FALSE(res.repeated_call);
}

TEST_F(ScopeResolverTest, UnknownScopeResolvesToNothing) {
  ScopeResolver r(modules);
  EXPECT_EQ(r.resolve({"layer1", "layer1.7"}).module, -1);
  EXPECT_EQ(r.resolve({"layer9", "layer1.0"}).module, -1);
  // "_N" is only PyTorch's on the last scope.
  EXPECT_EQ(r.resolve({"layer1_1", "layer1.0"}).module, -1);
}

}  // namespace
}  // namespace mx::test
