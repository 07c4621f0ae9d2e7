// The third-party example, as its author would use it: install modelexport into a
// temporary root, build examples/third_party_strategy out of tree against that install
// (pkg-config modelexport-sdk, nothing else of ours), drop the result into a plugin folder,
// then list, export and compare with it.
#include <gtest/gtest.h>
#include <modelexport/plugin.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include "onnx_io/node_metadata.h"
#include "support/plugin_folder.h"
#include "tags/tag_output.h"

namespace mx::test {
namespace {

// Installs, builds and deploys once for the whole suite.
class ThirdParty : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root = new TempDir;
    fs::path stage = root->path() / "stage", src = root->path() / "src", build = root->path() / "build";
    step = "meson install";
    auto r = run("meson install --no-rebuild -C " + quote(env_path("MODELEXPORT_BUILD_ROOT")) + " --destdir " +
                 quote(stage.string()));
    if (r.exit_code != 0) return fail(r);
    fs::path pc;
    for (const auto& e : fs::recursive_directory_iterator(stage))
      if (e.path().filename() == "modelexport-sdk.pc") pc = e.path();
    step = "finding modelexport-sdk.pc in the install";
    if (pc.empty()) return fail({1, "", "not installed"});
    // Only the example's own files: nothing else of the source tree is reachable.
    fs::create_directories(src);
    for (const char* f : {"meson.build", "depth_cut.c", "depth_cut.yaml"})
      fs::copy_file(fs::path(source_root()) / "examples/third_party_strategy" / f, src / f);
    step = "meson setup of the example against the installed SDK";
    std::string env = "PKG_CONFIG_PATH=" + quote(pc.parent_path().string()) +
                      " PKG_CONFIG_SYSROOT_DIR=" + quote(stage.string()) + " ";
    r = run(env + "meson setup " + quote(build.string()) + " " + quote(src.string()));
    if (r.exit_code != 0) return fail(r);
    step = "building the example";
    r = run(env + "meson compile -C " + quote(build.string()));
    if (r.exit_code != 0) return fail(r);
    library = (build / "depth_cut.so").string();
    plugins = root->path() / "plugins";
    fs::create_directories(plugins);
    fs::copy_file(library, plugins / "depth_cut.so");
    fs::copy_file(src / "depth_cut.yaml", plugins / "depth_cut.yaml");
    copy_shipped_plugin(plugins, "htp");
  }
  static void TearDownTestSuite() { delete root; }
  static void fail(const CommandResult& r) { failure = step + " failed:\n" + r.out + r.err; }
  void SetUp() override { ASSERT_EQ(failure, "") << failure; }

  static CommandResult modelexport(const std::string& args) {
    return run("env -u MODELEXPORT_PLUGIN_PATH " + quote(modelexport_bin()) + " " + args + " --plugin-dir " +
               quote(plugins.string()));
  }
  static std::string mlp() { return quote(fixture_model("mlp")) + " --input x:float32:2x16"; }

  static inline TempDir* root = nullptr;
  static inline fs::path plugins;
  static inline std::string library, step, failure;
  TempDir out;
};

TEST_F(ThirdParty, InstalledSdkHasHeaderAndPkgConfig) {
  bool header = false, tag_builder = false;
  for (const auto& e : fs::recursive_directory_iterator(root->path() / "stage")) {
    header = header || e.path().filename() == "plugin.h";
    tag_builder = tag_builder || (e.path().filename() == "tag_builder.h" && e.path().parent_path().filename() == "ext");
  }
  EXPECT_TRUE(header);
  EXPECT_TRUE(tag_builder) << "modelexport/ext/tag_builder.h, which depth_cut.c uses";
}

TEST_F(ThirdParty, ExportsOnlyTheEntrySymbol) {
  auto r = run("nm -D --defined-only " + quote(library));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string address, type, name;
  std::vector<std::string> names;
  while (lines >> address >> type >> name) names.push_back(name);
  EXPECT_EQ(names, std::vector<std::string>{MX_ENTRY_SYMBOL});
}

TEST_F(ThirdParty, AppearsInPlugins) {
  auto r = modelexport("plugins");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("depth_cut 1.0.0 (ABI 1.0)"), std::string::npos) << r.out;
}

TEST_F(ThirdParty, ExportCutsTagsToTheDepthAsked) {
  for (int depth : {0, 1, 2}) {
    std::string onnx = out.file("d" + std::to_string(depth) + ".onnx");
    auto r = modelexport("export " + mlp() + " " + quote(onnx) +
                         " --strategy depth_cut --strategy-opt depth=" + std::to_string(depth));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    onnx::ModelProto proto;
    proto.ParseFromString(read_file(onnx));
    size_t deepest = 0;
    for (const auto& node : proto.graph().node()) {
      std::string tag = node_metadata(node, kTagKey);
      deepest = std::max(deepest, static_cast<size_t>(std::count(tag.begin(), tag.end(), '/')));
    }
    EXPECT_EQ(deepest, static_cast<size_t>(depth) + 1) << "tags are '/' + root + one segment per level";
  }
}

TEST_F(ThirdParty, CompareAgreesWithHtpWhenNothingIsCut) {
  auto r = modelexport("compare " + mlp() + " --strategies htp,depth_cut --strategy-opt depth_cut:depth=99 --json " +
                       quote(out.file("c.json")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto json = YAML::LoadFile(out.file("c.json"));
  EXPECT_EQ(json["pairs"][0]["same"].as<int>(), json["nodes"].as<int>()) << r.out;
  auto coarse = modelexport("compare " + mlp() + " --strategies htp,depth_cut --json " + quote(out.file("d.json")));
  ASSERT_EQ(coarse.exit_code, 0) << coarse.err;
  EXPECT_LT(YAML::LoadFile(out.file("d.json"))["pairs"][0]["same"].as<int>(), json["nodes"].as<int>());
}

TEST_F(ThirdParty, BadOptionIsReportedByThePlugin) {
  auto r = modelexport("export " + mlp() + " " + quote(out.file("m.onnx")) +
                       " --strategy depth_cut --strategy-opt depth=-1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("strategy 'depth_cut' (" + (plugins / "depth_cut.so").string() +
                       ") failed to tag modules: option depth must be a whole number >= 0, got '-1'"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(out.entries().empty());
}

}  // namespace
}  // namespace mx::test
