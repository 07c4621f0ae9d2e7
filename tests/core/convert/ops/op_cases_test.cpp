// Every converter on its edge arguments (negative dims, keepdim, broadcasting, promotion,
// rounding modes, odd windows, ...): small models from tests/fixtures/op_cases*.py are traced
// and converted by core, then run in ONNX Runtime and compared with LibTorch's forward.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "convert/convert.h"
#include "model/input_spec.h"
#include "onnx_io/model_io.h"
#include "pipelines/export.h"
#include "convert/op_registry.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

class OpCase : public ::testing::TestWithParam<std::string> {};

TEST_P(OpCase, OnnxRuntimeMatchesLibTorch) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  const std::string& id = GetParam();  // "op_cases.py/add_alpha_broadcast"
  std::string file = id.substr(0, id.find('/')), name = id.substr(id.find('/') + 1);
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/" + file) + " " + quote(name) + " " +
                  quote(pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  std::istringstream words(made.out);
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

// Every case of every tests/fixtures/op_cases*.py file, as "file/case".
std::vector<std::string> discover_cases() {
  std::vector<std::string> out;
  auto files = run("ls " + quote(source_root() + "/tests/fixtures") + " | grep -E '^op_cases[a-z_]*\\.py$'");
  std::istringstream names(files.out);
  for (std::string file; names >> file;) {
    auto listed = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/" + file) + " --list");
    if (listed.exit_code != 0) {
      out.push_back(file + "/cannot_list");  // fails in the test, naming the file
      continue;
    }
    std::istringstream cases(listed.out);
    for (std::string c; cases >> c;) out.push_back(file + "/" + c);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Converters, OpCase, ::testing::ValuesIn(discover_cases()), [](const auto& info) {
  std::string name = info.param;
  for (auto& c : name)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

}  // namespace
}  // namespace mx::test
