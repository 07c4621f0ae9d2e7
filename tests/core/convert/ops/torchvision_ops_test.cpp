// The torchvision converters refuse, with one line, what the chosen opset cannot express:
// roi_align with aligned=True and ps_roi_align need RoiAlign's coordinate_transformation_mode
// (opset 16); below it, not aligned still converts. (Their results at opset 17 are checked by
// the op cases of tests/fixtures/op_cases_torchvision.py.)
#include <gtest/gtest.h>

#include <sstream>

#include "base/error.h"
#include "convert/convert.h"
#include "convert/op_registry.h"
#include "model/input_spec.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

Trace trace_case(const std::string& name) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/op_cases_torchvision.py") + " " + name +
                  " " + quote(pt));
  EXPECT_EQ(made.exit_code, 0) << made.err;
  std::vector<InputSpec> specs;
  std::istringstream words(made.out);
  for (std::string w; words >> w;) specs.push_back(parse_input_spec(w));
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  return trace_model(pt, names, make_inputs(specs, 3));
}

std::string conversion_error(const Trace& trace, int opset) {
  ConvertOptions options;
  options.opset = opset;
  try {
    convert(trace, OpRegistry::builtin(), options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TorchvisionConverters, AlignedRoiAlignNeedsOpset16) {
  Trace trace = trace_case("tv_roi_align_aligned_scale");
  std::string what = conversion_error(trace, 15);
  EXPECT_NE(what.find("torchvision::roi_align in module '<root>' (Fn): aligned=True needs RoiAlign's "
                      "coordinate_transformation_mode, new in opset 16"),
            std::string::npos)
      << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  EXPECT_EQ(conversion_error(trace, 16), "");
}

TEST(TorchvisionConverters, RoiAlignNotAlignedConvertsBelowOpset16) {
  EXPECT_EQ(conversion_error(trace_case("tv_roi_align_adaptive"), 14), "");
}

TEST(TorchvisionConverters, PsRoiAlignNeedsOpset16) {
  std::string what = conversion_error(trace_case("tv_ps_roi_align"), 15);
  EXPECT_NE(what.find("torchvision::ps_roi_align in module '<root>' (Fn): needs RoiAlign's half_pixel mode"),
            std::string::npos)
      << what;
}

}  // namespace
}  // namespace mx::test
