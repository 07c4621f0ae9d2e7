// Strategies are found through manifests in plugin folders and loaded from there.
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/test_env.h"

namespace mx::test {
namespace {

// htp.so and htp.yaml copied out of the build tree into a folder of their own.
class PluginFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy_file(fs::path(plugin_build_dir()) / "htp" / "htp.so", plugins.path() / "htp.so");
    fs::copy_file(fs::path(plugin_build_dir()) / "htp" / "htp.yaml", plugins.path() / "htp.yaml");
  }
  std::string export_cmd(const std::string& flags) {
    return quote(modelexport_bin()) + " export " + quote(fixture_model("mlp")) + " " + quote(out.file("m.onnx")) +
           " --input x:float32:2x16 " + flags;
  }
  TempDir plugins, empty, out;
};

TEST_F(PluginFolder, ExportLoadsHtpFromACopiedFolder) {
  auto r = run(export_cmd("--plugin-dir " + quote(plugins.path().string())));
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
  EXPECT_FALSE(fs::exists(out.file("m.onnx")));
}

TEST_F(PluginFolder, UnknownStrategyIsNotFound) {
  auto r = run(export_cmd("--plugin-dir " + quote(plugins.path().string()) + " --strategy nosuch"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("strategy 'nosuch' not found"), std::string::npos) << r.err;
}

TEST_F(PluginFolder, PluginsListsHtpFromItsManifest) {
  auto r = run(quote(modelexport_bin()) + " plugins --verbose --plugin-dir " + quote(plugins.path().string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("htp 0.1.0 (ABI 1.0)", 0), 0u) << r.out;
  EXPECT_NE(r.out.find((plugins.path() / "htp.so").string()), std::string::npos) << r.out;
}

TEST_F(PluginFolder, ManifestWhoseLibraryIsMissingIsReportedNotLoaded) {
  fs::remove(plugins.path() / "htp.so");
  auto r = run(quote(modelexport_bin()) + " plugins --plugin-dir " + quote(plugins.path().string()));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("htp.yaml': its library '" + (plugins.path() / "htp.so").string() + "' does not exist"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mx::test
