// Manifests are read without loading anything; each broken one says its file and why, and
// a library without a manifest is reported instead of silently ignored.
#include "plugin/plugin_manifest.h"

#include <gtest/gtest.h>
#include <modelexport/plugin.h>

#include <fstream>

#include "support/test_env.h"

namespace mx::test {
namespace {

class Manifests : public ::testing::Test {
 protected:
  // Writes <name>.yaml (and an empty <name>.so unless told not to) and reads it back.
  PluginManifest manifest(const std::string& yaml, bool with_library = true, const std::string& name = "p") {
    std::ofstream(dir.file(name + ".yaml")) << yaml;
    if (with_library) std::ofstream(dir.file(name + ".so")) << "";
    return read_manifest(dir.file(name + ".yaml"));
  }
  TempDir dir;
};

TEST_F(Manifests, ReadsOperatorsAndAuxiliaryEntries) {
  auto m = manifest(
      "name: p\nabi: \"1.0\"\noperators:\n  - {aten: aten::asinh, onnx: Asinh, since: 9}\n"
      "auxiliary:\n  - {op: Shape, inherit: consumer}\n  - {op: Cast, inherit: producer}\n");
  ASSERT_EQ(m.error, "");
  ASSERT_EQ(m.operators.size(), 1u);
  EXPECT_EQ(m.operators[0].aten, "aten::asinh");
  EXPECT_EQ(m.operators[0].onnx, "Asinh");
  EXPECT_EQ(m.operators[0].since, 9);
  EXPECT_EQ(m.operators[0].line, 4);
  ASSERT_EQ(m.auxiliary.size(), 2u);
  EXPECT_EQ(m.auxiliary[0].inherit, MX_DECISION_CONSUMER);
  EXPECT_EQ(m.auxiliary[1].inherit, MX_DECISION_PRODUCER);
  EXPECT_EQ(m.library_path, dir.file("p.so"));
}

TEST_F(Manifests, BadOperatorRowNamesFileAndLine) {
  auto m = manifest("name: p\nabi: \"1.0\"\noperators:\n  - {aten: aten::asinh}\n");
  EXPECT_EQ(m.error, "plugin manifest '" + dir.file("p.yaml") + "': an 'operators' row lacks 'onnx' (line 4)");
}

TEST_F(Manifests, BadInheritSideIsNamed) {
  auto m = manifest("name: p\nabi: \"1.0\"\nauxiliary:\n  - {op: Shape, inherit: sideways}\n");
  EXPECT_NE(m.error.find("'inherit' of auxiliary op 'Shape' must be consumer or producer, got 'sideways' (line 4)"),
            std::string::npos)
      << m.error;
}

TEST_F(Manifests, NotYamlIsReported) {
  auto m = manifest("name: [p\n");
  EXPECT_NE(m.error.find(dir.file("p.yaml") + "': not valid YAML"), std::string::npos) << m.error;
}

TEST_F(Manifests, MissingNameIsReported) {
  auto m = manifest("abi: \"1.0\"\n");
  EXPECT_NE(m.error.find("the manifest lacks 'name'"), std::string::npos) << m.error;
}

TEST_F(Manifests, OtherMajorAbiIsRejected) {
  auto m = manifest("name: p\nabi: \"2.0\"\n");
  EXPECT_NE(m.error.find("wrong ABI version: built for 2.0, this host speaks 1.x"), std::string::npos) << m.error;
}

TEST_F(Manifests, NewerMinorAbiIsRejected) {
  std::string newer = std::to_string(MX_ABI_MAJOR) + "." + std::to_string(MX_ABI_MINOR + 1);
  auto m = manifest("name: p\nabi: \"" + newer + "\"\n");
  EXPECT_NE(m.error.find("built for ABI " + newer + ", newer than this host's"), std::string::npos) << m.error;
}

TEST_F(Manifests, AbiNumberTooLargeIsReportedNotThrown) {
  auto m = manifest("name: p\nabi: \"99999999999999999999.0\"\n");
  EXPECT_NE(m.error.find("'abi' \"99999999999999999999.0\" has a version number too large"), std::string::npos)
      << m.error;
}

TEST_F(Manifests, ManifestWithoutLibraryIsReported) {
  auto m = manifest("name: p\nabi: \"1.0\"\n", false);
  EXPECT_NE(m.error.find("its library '" + dir.file("p.so") + "' does not exist"), std::string::npos) << m.error;
}

TEST_F(Manifests, LibraryWithoutManifestIsDiscoveredAsBroken) {
  std::ofstream(dir.file("stray.so")) << "";
  manifest("name: p\nabi: \"1.0\"\n");
  auto found = discover_plugins({dir.path().string()});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].error, "");
  EXPECT_EQ(found[1].name, "stray");
  EXPECT_NE(found[1].error.find("plugin library '" + dir.file("stray.so") + "' has no manifest beside it"),
            std::string::npos)
      << found[1].error;
}

TEST_F(Manifests, BrokenManifestDoesNotAlsoReportItsLibraryAsStray) {
  manifest("name: [p\n");
  auto found = discover_plugins({dir.path().string()});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].error.find("not valid YAML"), std::string::npos);
}

TEST_F(Manifests, FirstFolderWinsForAName) {
  TempDir other;
  manifest("name: p\nabi: \"1.0\"\nversion: first\n");
  std::ofstream(other.file("p.yaml")) << "name: p\nabi: \"1.0\"\nversion: second\n";
  std::ofstream(other.file("p.so")) << "";
  auto found = discover_plugins({dir.path().string(), other.path().string()});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].version, "first");
}

}  // namespace
}  // namespace mx::test
