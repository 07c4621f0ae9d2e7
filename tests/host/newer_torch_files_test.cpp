// TorchScript files written by a newer PyTorch: one that calls an operator neither
// LibTorch 1.13 nor modelexport provides gets one line naming the operator, saying where
// the file came from, and listing what modelexport provides (the ops it does provide are
// op cases: tests/fixtures/op_cases_newer_torch.py).
#include <gtest/gtest.h>

#include <algorithm>

#include "support/test_env.h"

namespace mx::test {
namespace {

TEST(NewerTorchFile, UnknownOperatorIsNamedWithWhatWeProvide) {
  TempDir dir;
  const std::string pt = dir.file("future.pt");
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/op_cases_newer_torch.py") +
                  " --unknown-op " + quote(pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string before = read_file(pt);
  auto r = run(quote(modelexport_bin()) + " export " + quote(pt) + " " + quote(dir.file("out.onnx")) +
               " --input x:float32:2x3 --plugin-dir " + quote(plugin_build_dir()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  for (const char* part : {"calls aten::mx_future_op", "written by a newer PyTorch",
                           "aten::scaled_dot_product_attention", "aten::rms_norm"})
    EXPECT_NE(r.err.find(part), std::string::npos) << part << " in: " << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"future.pt"});
  EXPECT_EQ(read_file(pt), before);
}

}  // namespace
}  // namespace mx::test
