// Plugins that fail at run time, in process: each failure is one message naming the
// plugin's file and the reason, and the host (this test process) survives even a crash.
#include "plugin/plugin_host.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "support/plugin_folder.h"
#include "support/tiny_graph.h"

namespace mx::test {
namespace {

class FailingPlugins : public ::testing::Test {
 protected:
  FailingPlugins() {
    int64_t fc = g.module(0, "fc", "Linear");
    g.input("x");
    for (int i = 0; i < 4; ++i) g.node("Relu", {"x"}, {"y" + std::to_string(i)}, g.entry(fc), true);
  }
  // The message run_strategy throws for the test plugin built from `library`.
  std::string failure(const std::string& library, const std::string& name) {
    add_plugin(dir.path(), test_plugin_library(library), name);
    try {
      run_strategy(load_strategy(name, {dir.path().string()}), g.trace, g.model, {});
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string so(const std::string& name) { return dir.file(name + ".so"); }
  TinyGraph g;
  TempDir dir;
};

TEST_F(FailingPlugins, CrashIsReportedAndTheHostSurvives) {
  std::string msg = failure("broken_crash.so", "crash");
  EXPECT_EQ(msg, "strategy 'crash' (" + so("crash") +
                     ") was killed by signal 11 (Segmentation fault) while tagging; the host is unharmed");
  // Still here, and a good plugin still runs.
  auto r = run_strategy(load_strategy("htp", {plugin_build_dir()}), g.trace, g.model, {});
  EXPECT_EQ(r.node_module[0], 1);
}

TEST_F(FailingPlugins, ErrorStatusIsPassedOnWithThePluginsFile) {
  EXPECT_EQ(failure("broken_tagger_error.so", "tagger_error"),
            "strategy 'tagger_error' (" + so("tagger_error") +
                ") failed to tag nodes: deliberate failure: this tagger always fails");
}

TEST_F(FailingPlugins, UntaggedNodesAreCounted) {
  std::string msg = failure("broken_untagged.so", "untagged");
  EXPECT_EQ(msg, "strategy 'untagged' (" + so("untagged") + ") left 2 of 4 nodes untagged (first: '" +
                     g.model.model.graph().node(2).name() + "')");
}

TEST_F(FailingPlugins, ExceptionAcrossTheBoundaryIsCaught) {
  EXPECT_EQ(failure("throwing_plugin.so", "throwing"),
            "strategy 'throwing' (" + so("throwing") +
                ") threw a C++ exception across the C ABI in tag_nodes: deliberate exception from the throwing "
                "test plugin");
}

}  // namespace
}  // namespace mx::test
