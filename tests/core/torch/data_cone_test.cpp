// The meta trace's data cone (core/torch/data_cone.h): ops whose values are read as numbers
// run on real data, the rest on the meta device; a trace that cannot do without data runs
// for real, saying why; --check finds the meta trace equal to the real one.
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include "base/error.h"
#include "model/input_spec.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

// Traces case `name` with --check; `error` receives the trace's error (else it throws),
// `untouched` whether the example inputs' bytes are as they were before.
TraceWays trace_case(const std::string& name, TraceOptions::Mode mode = TraceOptions::Mode::Meta,
                     std::string* error = nullptr, bool* untouched = nullptr) {
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
  auto inputs = make_inputs(specs, 3), before = make_inputs(specs, 3);
  try {
    trace_model(pt, names, inputs, o);
  } catch (const Error& e) {
    if (!error) throw;
    *error = e.what();
  }
  if (untouched) {
    *untouched = true;
    for (size_t i = 0; i < inputs.size(); ++i)
      *untouched = *untouched && std::memcmp(inputs[i]->data, before[i]->data, before[i]->nbytes) == 0;
  }
  return ways;
}

TEST(DataCone, ANumberReadFromDataRunsItsConeForRealAndTheRestOnMeta) {
  bool untouched = false;
  TraceWays w = trace_case("count_positive", TraceOptions::Mode::Meta, nullptr, &untouched);
  EXPECT_EQ(w.mode, "meta") << w.why_real;
  EXPECT_TRUE(untouched);  // read in place, not written
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

// An embedding's ids are computed for real (the shape rule reads none), so that ids past
// the table are refused as in the real trace, with the same message.
TEST(DataCone, EmbeddingIdsRunForRealAndAreCheckedAgainstTheTable) {
  TraceWays w = trace_case("ids_in_range");
  EXPECT_EQ(w.mode, "meta") << w.why_real;
  EXPECT_GE(w.meta + w.shape_rule, 3);  // embedding, linear, relus
  std::string real, meta;
  trace_case("ids_out_of_range", TraceOptions::Mode::Real, &real);
  trace_case("ids_out_of_range", TraceOptions::Mode::Meta, &meta);
  EXPECT_NE(real.find("running aten::embedding in module 'emb' failed"), std::string::npos) << real;
  EXPECT_EQ(meta, real);
}

// The meta trace reads its inputs in place (no copy as large as the pixels): an op of the
// cone that writes into one makes it run for real, which copies them, so that the caller's
// inputs stay as they were.
TEST(DataCone, AConeOpWritingAnInputRunsTheTraceForRealAndLeavesTheInputs) {
  bool untouched = false;
  TraceWays w = trace_case("writes_input", TraceOptions::Mode::Meta, nullptr, &untouched);
  EXPECT_EQ(w.mode, "real");
  EXPECT_NE(w.why_real.find("aten::clamp_ in module '<root>' writes into an input in place"), std::string::npos)
      << w.why_real;
  EXPECT_TRUE(untouched);
}

}  // namespace
}  // namespace mx::test
