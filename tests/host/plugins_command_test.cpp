// Strategies are found through manifests in plugin folders and loaded from there; options
// given with --strategy-opt reach the plugin, which rejects keys it does not know.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "onnx_io/node_metadata.h"
#include "support/plugin_folder.h"
#include "tags/tag_output.h"

namespace mx::test {
namespace {

// htp.so and htp.yaml copied out of the build tree into a folder of their own.
class PluginFolder : public ::testing::Test {
 protected:
  void SetUp() override { copy_shipped_plugin(plugins.path(), "htp"); }
  std::string export_cmd(const std::string& flags) {
    return quote(modelexport_bin()) + " export " + quote(fixture_model("mlp")) + " " + quote(out.file("m.onnx")) +
           " --input x:float32:2x16 " + flags;
  }
  std::string in_folder() { return "--plugin-dir " + quote(plugins.path().string()); }
  TempDir plugins, empty, out;
};

TEST_F(PluginFolder, ExportLoadsHtpFromACopiedFolder) {
  auto r = run(export_cmd(in_folder()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out.file("m.onnx")));
}

TEST_F(PluginFolder, EnvironmentVariableAddsFolders) {
  auto r = run("MODELEXPORT_PLUGIN_PATH=" + quote(empty.path().string() + ":" + plugins.path().string()) + " " +
               export_cmd(""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(PluginFolder, FolderWithoutTheStrategyNamesItAndTheFoldersSearched) {
  auto r = run("env -u MODELEXPORT_PLUGIN_PATH " + export_cmd("--plugin-dir " + quote(empty.path().string())));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("strategy 'htp' not found"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(empty.path().string()), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(out.file("m.onnx")));
}

// The installed folder comes last, and the tests point it elsewhere (tests/meson.build): a
// `meson install` on this machine changes no test's outcome. Here it holds htp.
TEST_F(PluginFolder, InstalledFolderIsSearchedLastAndCanBeMoved) {
  auto r = run("env -u MODELEXPORT_PLUGIN_PATH MODELEXPORT_INSTALLED_PLUGIN_DIR=" + quote(plugins.path().string()) + " " +
               export_cmd("--plugin-dir " + quote(empty.path().string())));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto list = run("MODELEXPORT_INSTALLED_PLUGIN_DIR=" + quote(plugins.path().string()) + " " + quote(modelexport_bin()) +
                  " plugins --verbose");
  EXPECT_NE(list.out.find((plugins.path() / "htp.so").string()), std::string::npos) << list.out;
}

TEST_F(PluginFolder, UnknownStrategyIsNotFound) {
  auto r = run(export_cmd(in_folder() + " --strategy nosuch"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("strategy 'nosuch' not found"), std::string::npos) << r.err;
}

TEST_F(PluginFolder, PluginsListsHtpFromItsManifest) {
  auto manifest = YAML::LoadFile((plugins.path() / "htp.yaml").string());
  auto r = run(quote(modelexport_bin()) + " plugins --verbose " + in_folder());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(
                "htp " + manifest["version"].as<std::string>() + " (ABI " + manifest["abi"].as<std::string>() + ")", 0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find((plugins.path() / "htp.so").string()), std::string::npos) << r.out;
  // What its manifest adds to core's registry, one line per entry.
  for (const auto& aux : manifest["auxiliary"])
    EXPECT_NE(r.out.find("adds     auxiliary " + aux["op"].as<std::string>() + " inherits from its " +
                         aux["inherit"].as<std::string>() + "s"),
              std::string::npos)
        << r.out;
}

TEST_F(PluginFolder, BuildTreeOffersBothShippedStrategies) {
  auto r = run(quote(modelexport_bin()) + " plugins --plugin-dir " + quote(plugin_build_dir()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nusage_based "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.rfind("htp ", 0), 0u) << r.out;
}

TEST_F(PluginFolder, ManifestWhoseLibraryIsMissingIsReportedNotLoaded) {
  fs::remove(plugins.path() / "htp.so");
  auto r = run(quote(modelexport_bin()) + " plugins " + in_folder());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("htp.yaml': its library '" + (plugins.path() / "htp.so").string() + "' does not exist"),
            std::string::npos)
      << r.err;
}

TEST_F(PluginFolder, StrategyOptReachesThePlugin) {
  // Without hiding ModuleList, its segment shows in the tags of the modules inside it.
  auto r = run(export_cmd(in_folder() + " --strategy-opt hidden_classes="));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto proto;
  proto.ParseFromString(read_file(out.file("m.onnx")));
  int shown = 0;
  for (const auto& node : proto.graph().node())
    shown += node_metadata(node, kTagKey).find("/ModuleList") != std::string::npos;
  EXPECT_GT(shown, 0);
}

TEST_F(PluginFolder, UnknownStrategyOptIsReportedByThePlugin) {
  auto r = run(export_cmd(in_folder() + " --strategy-opt colour=blue"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(
      r.err.find("strategy 'htp' (" + plugins.file("htp.so") + ") failed to tag modules: unknown option 'colour'"),
      std::string::npos)
      << r.err;
  EXPECT_TRUE(out.entries().empty());
}

}  // namespace
}  // namespace mx::test
