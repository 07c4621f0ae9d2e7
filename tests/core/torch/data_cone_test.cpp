// The meta trace's data cone (core/torch/data_cone.h): ops whose values are read as numbers
// run on real data, the rest on the meta device; a trace that cannot do without data runs
// for real, saying why; --check finds the meta trace equal to the real one.
#include <gtest/gtest.h>

#include <sstream>

#include "model/input_spec.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

TraceWays trace_case(const std::string& name, TraceOptions::Mode mode = TraceOptions::Mode::Meta) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/data_cone_cases.py") + " " + name + " " +
                  quote(pt));
  EXPECT_EQ(made.exit_code, 0) << made.err;
  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  std::istringstream words(made.out);
  for (std::string w; words >> w;) specs.push_back(parse_input_spec(w));
  for (const auto& s : specs) names.push_back(s.name);
  TraceWays ways;
  TraceOptions o;
  o.mode = mode;
  o.check = true;
  o.ways = &ways;
  trace_model(pt, names, make_inputs(specs, 3), o);
  return ways;
}

TEST(DataCone, ANumberReadFromDataRunsItsConeForRealAndTheRestOnMeta) {
  TraceWays w = trace_case("count_positive");
  EXPECT_EQ(w.mode, "meta") << w.why_real;
  // lin and out (linear), two relus, reshape, slice on meta; gt and sum (the cone) for real.
  EXPECT_GE(w.meta + w.shape_rule, 5);
  EXPECT_EQ(w.real, 2);
}

TEST(DataCone, TheRealModeRunsEveryOpForReal) {
  TraceWays w = trace_case("count_positive", TraceOptions::Mode::Real);
  EXPECT_EQ(w.mode, "real");
  EXPECT_EQ(w.meta + w.shape_rule, 0);
  EXPECT_EQ(w.why_real, "");
}

TEST(DataCone, ABooleanMaskRunsTheTraceForRealSayingWhy) {
  TraceWays w = trace_case("masked");
  EXPECT_EQ(w.mode, "real");
  EXPECT_NE(w.why_real.find("aten::index"), std::string::npos) << w.why_real;
}

TEST(DataCone, AConeOverMostOfTheGraphRunsForReal) {
  TraceWays w = trace_case("all_data");
  EXPECT_EQ(w.mode, "real");
  EXPECT_NE(w.why_real.find("the values read from data need 2 of its 3 ops"), std::string::npos) << w.why_real;
}

}  // namespace
}  // namespace mx::test
