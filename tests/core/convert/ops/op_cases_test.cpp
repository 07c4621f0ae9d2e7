// Every converter on its edge arguments (negative dims, keepdim, broadcasting, promotion,
// rounding modes, odd windows, ...): small models from tests/fixtures/op_cases*.py are traced
// and converted by core, then run in ONNX Runtime and compared with LibTorch's forward; the
// meta trace (with --check) of the same fixture must write the same file, or refuse the same way.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "base/error.h"
#include "convert/convert.h"
#include "convert/op_registry.h"
#include "model/input_spec.h"
#include "onnx_io/model_io.h"
#include "pipelines/export.h"
#include "refused_cases.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

// Traces case `name` of tests/fixtures/`file` into `pt`; returns its input specs.
std::vector<InputSpec> make_case(const std::string& file, const std::string& name, const std::string& pt) {
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/" + file) + " " + quote(name) + " " +
                  quote(pt));
  EXPECT_EQ(made.exit_code, 0) << made.err;
  std::vector<InputSpec> specs;
  std::istringstream words(made.out);
  for (std::string w; words >> w;) specs.push_back(parse_input_spec(w));
  return specs;
}

// The case traced in `mode` (with --check: against a real trace too) and converted as the
// exporter converts: BatchNorm folded into its Conv, dead nodes removed, checked; the bytes.
std::string export_case(const std::string& pt, const std::vector<std::string>& names,
                        const std::vector<std::shared_ptr<TensorData>>& inputs, TraceOptions::Mode mode, bool check) {
  TraceOptions o;
  o.mode = mode;
  o.check = check;
  Trace trace = trace_model(pt, names, inputs, o);
  ConvertedModel model = convert_checked(trace, DynamicMarks{}, OpRegistry::builtin(), ExportOptions{});
  std::ostringstream out;
  write_converted(model, out);
  return out.str();
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The message with which tracing and converting the refused case `pt` fails in `mode`
// ("" when it does not fail).
std::string refusal(const std::string& pt, const std::vector<std::string>& names,
                    const std::vector<std::shared_ptr<TensorData>>& inputs, TraceOptions::Mode mode) {
  TraceOptions o;
  o.mode = mode;
  o.check = mode == TraceOptions::Mode::Meta;
  try {  // the trace refuses some (writes through views), conversion the others
    Trace trace = trace_model(pt, names, inputs, o);
    convert(trace, OpRegistry::builtin(), ConvertOptions{});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

class OpCase : public ::testing::TestWithParam<std::string> {};

TEST_P(OpCase, OnnxRuntimeMatchesLibTorch) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  const std::string& id = GetParam();  // "op_cases.py/add_alpha_broadcast"
  auto specs = make_case(id.substr(0, id.find('/')), id.substr(id.find('/') + 1), pt);
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  auto inputs = make_inputs(specs, 3);
  std::string onnx_path = dir.file("case.onnx");
  {
    std::ofstream out(onnx_path, std::ios::binary);
    out << export_case(pt, names, inputs, TraceOptions::Mode::Real, false);
    ASSERT_TRUE(out.good());
  }
  // The meta trace, checked against a real one (--check), writes the same file byte for byte.
  EXPECT_TRUE(export_case(pt, names, inputs, TraceOptions::Mode::Meta, true) == read_bytes(onnx_path))
      << "the meta trace's export differs from the real trace's";
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

// Ops refused on purpose (tests/fixtures/refused_cases.py): conversion (or, for writes through
// views, the trace) fails with one line naming the op and the reason.
class RefusedOp : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(RefusedOp, ConversionSaysWhy) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto specs = make_case("refused_cases.py", GetParam().first, pt);
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  auto inputs = make_inputs(specs, 3);
  std::string what = refusal(pt, names, inputs, TraceOptions::Mode::Real);
  ASSERT_NE(what, "") << "converted";
  EXPECT_NE(what.find(GetParam().second), std::string::npos) << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  // The meta trace (with --check) refuses it with the same message.
  EXPECT_EQ(refusal(pt, names, inputs, TraceOptions::Mode::Meta), what);
}

INSTANTIATE_TEST_SUITE_P(Refused, RefusedOp, ::testing::ValuesIn(kRefusedCases),
                         [](const auto& info) { return std::string(info.param.first); });

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
