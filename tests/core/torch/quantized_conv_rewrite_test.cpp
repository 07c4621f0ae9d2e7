// LibTorch's rewrite of old quantized convolutions in our loads (core/torch/
// quantized_conv_rewrite.h): left out for modules without quantized operators, done as
// LibTorch does it for the others (tests/fixtures/old_quantized_conv.py: a file in the form
// PyTorch 1.5 saved quantized convolutions, eight arguments, which the rewrite makes four).
// The other files come from tests/fixtures/old_format_files.py.
#include "torch/quantized_conv_rewrite.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/test_env.h"
#include "torch/model_file.h"

namespace mx::test {
namespace {

const TempDir& dir() {
  static TempDir d;
  return d;
}

// Runs tests/fixtures/SCRIPT with ARG (a path in dir()); returns that path.
std::string make(const std::string& script, const std::string& arg) {
  const std::string path = dir().file(arg);
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/" + script) + " " + quote(path));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return path;
}

// Each quantized:: node of every module's forward, with its number of inputs.
std::string quantized_calls(const torch::jit::Module& m) {
  std::ostringstream out;
  for (const auto& sub : m.modules())
    for (const auto& method : sub.get_methods())
      for (const auto* node : torch::jit::toGraphFunction(method.function()).graph()->nodes())
        if (std::string(node->kind().toQualString()).rfind("quantized::", 0) == 0)
          out << node->kind().toQualString() << "/" << node->inputs().size() << " ";
  return out.str();
}

// Every module's forward graph, printed.
std::string graphs(const torch::jit::Module& m) {
  std::ostringstream out;
  for (const auto& sub : m.modules())
    for (const auto& method : sub.get_methods()) out << *torch::jit::toGraphFunction(method.function()).graph();
  return out.str();
}

TEST(QuantizedConvRewrite, OldQuantizedConvolutionsAreRewrittenAsLibTorchDoes) {
  const std::string pt = make("old_quantized_conv.py", "old_quantized.pt");
  const auto ours = load_module(pt);
  EXPECT_EQ(quantized_calls(ours), "quantized::conv2d/4 quantized::conv2d_relu/4 ");
  EXPECT_EQ(quantized_calls(ours), quantized_calls(torch::jit::load(pt)));  // LibTorch's own load
}

TEST(QuantizedConvRewrite, ModulesWithoutQuantizedOperatorsSkipItAndLoadTheSame) {
  const std::string pt = fixture_folder("old_format_files.py") + "/conv_v3.pt";  // a traced Conv2d + ReLU
  const int before = skipped_quantized_conv_rewrites();
  const auto ours = load_module(pt);
  EXPECT_GT(skipped_quantized_conv_rewrites(), before);  // the interposed pass ran, and left it out
  EXPECT_EQ(graphs(ours), graphs(torch::jit::load(pt)));
}

}  // namespace
}  // namespace mx::test
