// Writes through views that the trace does not carry back (tests/fixtures/refused_view_writes.py:
// views other than slice, select and narrow) are refused while tracing, with one line naming the
// write, the view, its reader and their modules, instead of exporting the tensor as it was
// before the write. Writes through slice/select/narrow chains are op cases that must export
// (op_cases_inplace_views.py).
#include <gtest/gtest.h>

#include <sstream>

#include "base/error.h"
#include "model/input_spec.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

struct RefusedWrite {
  const char* name;
  const char* words;  // the write and the reader, as the message names them
};

const RefusedWrite kRefusedWrites[] = {
    {"view_write_add_through_view", "in-place write aten::copy_ in module '<root>' changes tensor 'y.1' through a view "
                                    "of it made by aten::view, and the model's output in module '<root>' reads it "
                                    "afterwards"},
    {"view_write_fill_through_permute", "in-place write aten::fill_ in module '<root>' changes tensor 'y.1' through a "
                                        "view of it made by aten::permute, and aten::mul in module '<root>' reads it "
                                        "afterwards"},
};

class RefusedViewWrite : public ::testing::TestWithParam<RefusedWrite> {};

TEST_P(RefusedViewWrite, TracingSaysWhichWriteAndWhichRead) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/refused_view_writes.py") + " " +
                  GetParam().name + " " + quote(pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::vector<InputSpec> specs;
  std::vector<std::string> names;
  std::istringstream words(made.out);
  for (std::string w; words >> w;) specs.push_back(parse_input_spec(w));
  for (const auto& s : specs) names.push_back(s.name);
  for (auto mode : {TraceOptions::Mode::Meta, TraceOptions::Mode::Real}) {  // the meta trace refuses them too
    TraceOptions o;
    o.mode = mode;
    try {
      trace_model(pt, names, make_inputs(specs, 3), o);
      ADD_FAILURE() << "traced, mode " << static_cast<int>(mode);
    } catch (const Error& e) {
      std::string what = e.what();
      EXPECT_NE(what.find(GetParam().words), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ViewWrites, RefusedViewWrite, ::testing::ValuesIn(kRefusedWrites),
                         [](const auto& info) { return std::string(info.param.name); });

// The entries that carry a write back into the tensor viewed belong to the module that wrote,
// not to the one that made the tensor or reads it (op_cases_inplace_views.py).
TEST(WriteBack, EntriesBelongToTheWritingModule) {
  TempDir dir;
  std::string pt = dir.file("case.pt");
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/op_cases_inplace_views.py") +
                  " view_write_in_submodule " + quote(pt));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto spec = parse_input_spec(made.out.substr(0, made.out.find_first_of(" \n")));
  Trace trace = trace_model(pt, {spec.name}, make_inputs({spec}, 3), TraceOptions{});
  int carried = 0;
  for (const auto& e : trace.entries)
    if (e.op == "aten::slice_scatter") {
      ++carried;
      EXPECT_EQ(trace.module_label(e.module()), "writer");
    }
  EXPECT_EQ(carried, 4);  // y[:, 1:] slices dims 0 and 1; += writes it by add_, then again by copy_
}

}  // namespace
}  // namespace mx::test
