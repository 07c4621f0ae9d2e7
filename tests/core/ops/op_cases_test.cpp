// Every converter on its edge arguments (negative dims, keepdim, broadcasting, promotion,
// rounding modes, odd windows, ...): small models from tests/fixtures/op_cases.py are traced
// and converted by core, then run in ONNX Runtime and compared with LibTorch's forward.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "convert.h"
#include "export.h"
#include "input_spec.h"
#include "model_io.h"
#include "op_registry.h"
#include "support/test_env.h"
#include "torchscript.h"

namespace mx::test {
namespace {

// Every case traced once, in one Python process (torch starts once, not per case).
const std::string& cases_dir() {
  static TempDir dir;
  static CommandResult made =
      run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/op_cases.py") + " --all " + quote(dir.path()));
  if (made.exit_code != 0) throw std::runtime_error("op_cases.py --all failed: " + made.err);
  static const std::string path = dir.path().string();
  return path;
}

class OpCase : public ::testing::TestWithParam<std::string> {};

TEST_P(OpCase, OnnxRuntimeMatchesLibTorch) {
  TempDir dir;
  std::string pt;
  ASSERT_NO_THROW(pt = cases_dir() + "/" + GetParam() + ".pt");
  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  std::istringstream words(read_file(cases_dir() + "/" + GetParam() + ".spec"));
  for (std::string w; words >> w;) {
    specs.push_back(parse_input_spec(w));
    names.push_back(specs.back().name);
  }
  auto inputs = make_inputs(specs, 3);
  Trace trace = trace_model(pt, names, inputs);
  // As the exporter converts: BatchNorm folded into its Conv, dead nodes removed, checked.
  ConvertedModel model = convert_checked(trace, OpRegistry::builtin(), ExportOptions{});
  std::string onnx_path = dir.file("case.onnx");
  {
    std::ofstream out(onnx_path, std::ios::binary);
    write_converted(model, out);
    ASSERT_TRUE(out.good());
  }
  EXPECT_EQ(onnx_check_problems(onnx_path), "");
  // Other values than the trace saw: nothing may be specialised to them.
  auto fresh = make_inputs(specs, 4);
  auto expected = run_reference(pt, fresh);
  auto actual = run_onnxruntime(onnx_path, names, fresh);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_EQ(actual[i]->shape, expected[i]->shape) << "output " << i;
    EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), 1e-5) << "output " << i;
  }
}

// Every case op_cases.py lists (CASES, its edge cases and the scripted ones).
std::vector<std::string> case_names() {
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/op_cases.py") + " --list");
  std::vector<std::string> names;
  std::istringstream lines(r.out);
  for (std::string n; lines >> n;) names.push_back(n);
  if (r.exit_code != 0 || names.empty()) names = {"op_cases_py_list_failed"};  // fails in the test, visibly
  return names;
}

INSTANTIATE_TEST_SUITE_P(Converters, OpCase, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mx::test
