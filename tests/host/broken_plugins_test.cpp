// Broken plugins through the binary, one per way of breaking: using one gives exactly one
// error line naming its file and the reason, writes nothing, and htp in the same folder
// keeps working; `modelexport plugins` still lists htp.
#include <gtest/gtest.h>
#include <modelexport/plugin.h>

#include <fstream>

#include "support/plugin_folder.h"

namespace mx::test {
namespace {

struct Case {
  std::string label;
  std::string strategy;
  // Puts the broken plugin into the folder.
  void (*setup)(const fs::path& dir);
  std::string file;    // the file the message must name, relative to the folder
  std::string reason;  // what the message must say
};

void broken(const fs::path& dir, const std::string& kind, const std::string& abi = "1.0") {
  add_plugin(dir, test_plugin_library("broken_" + kind + ".so"), kind, abi);
}

// A copy of the htp library cut to its first 4 KiB: its ELF header is intact, what it
// points at is past the end (SIGBUS inside dlopen, once mapped).
void truncated_copy(const fs::path& dir, const std::string& name) {
  copy_shipped_plugin(dir, "htp");
  std::string bytes = read_file((dir / "htp.so").string()).substr(0, 4096);
  std::ofstream(dir / (name + ".so"), std::ios::binary) << bytes;
  std::ofstream(dir / (name + ".yaml")) << "name: " << name << "\nabi: \"1.0\"\n";
}

const std::string kNewerMinor = std::to_string(MX_ABI_MAJOR) + "." + std::to_string(MX_ABI_MINOR + 1);

std::vector<Case> cases() {
  return {
      {"ManifestWithoutLibrary", "ghost",
       [](const fs::path& d) { std::ofstream(d / "ghost.yaml") << "name: ghost\nabi: \"1.0\"\n"; }, "ghost.yaml",
       "its library '"},
      {"LibraryWithoutManifest", "stray",
       [](const fs::path& d) { fs::copy_file(test_plugin_library("broken_crash.so"), d / "stray.so"); }, "stray.so",
       "has no manifest beside it"},
      {"MissingEntrySymbol", "no_entry", [](const fs::path& d) { broken(d, "no_entry"); }, "no_entry.so",
       "has no entry symbol 'modelexport_plugin_entry'"},
      {"AbiMajorMismatchInLibrary", "abi_major", [](const fs::path& d) { broken(d, "abi_major"); }, "abi_major.so",
       "built for 2.0, this host speaks 1.x"},
      {"AbiMajorMismatchInManifest", "abi_major", [](const fs::path& d) { broken(d, "abi_major", "2.0"); },
       "abi_major.yaml", "wrong ABI version: built for 2.0, this host speaks 1.x"},
      {"NewerMinorInLibrary", "abi_minor", [](const fs::path& d) { broken(d, "abi_minor"); }, "abi_minor.so",
       "was built for ABI " + kNewerMinor + ", newer than this host's"},
      {"NewerMinorInManifest", "abi_minor", [](const fs::path& d) { broken(d, "abi_minor", kNewerMinor); },
       "abi_minor.yaml", "built for ABI " + kNewerMinor + ", newer than this host's"},
      {"TaggerReturnsAnError", "tagger_error", [](const fs::path& d) { broken(d, "tagger_error"); }, "tagger_error.so",
       "failed to tag nodes: deliberate failure: this tagger always fails"},
      {"TaggerLeavesNodesUntagged", "untagged", [](const fs::path& d) { broken(d, "untagged"); }, "untagged.so",
       "nodes untagged (first: '"},
      {"TaggerThrows", "throwing",
       [](const fs::path& d) { add_plugin(d, test_plugin_library("throwing_plugin.so"), "throwing"); }, "throwing.so",
       "threw a C++ exception across the C ABI in tag_nodes: deliberate exception"},
      {"TaggerCrashes", "crash", [](const fs::path& d) { broken(d, "crash"); }, "crash.so",
       "was killed by signal 11 (Segmentation fault) while tagging"},
      {"TaggerHangs", "hang", [](const fs::path& d) { broken(d, "hang"); }, "hang.so",
       "did not finish within 2 s and was stopped while tagging; the host is unharmed (see --strategy-timeout)"},
      // Plugin code that runs when the library is loaded: in a probe child first.
      {"ConstructorCrashes", "ctor_crash", [](const fs::path& d) { broken(d, "ctor_crash"); }, "ctor_crash.so",
       "was killed by signal 11 (Segmentation fault) while loading (its constructors or modelexport_plugin_entry)"},
      {"ConstructorHangs", "ctor_hang", [](const fs::path& d) { broken(d, "ctor_hang"); }, "ctor_hang.so",
       "did not finish within 2 s and was stopped while loading"},
      {"ConstructorExits", "ctor_exit", [](const fs::path& d) { broken(d, "ctor_exit"); }, "ctor_exit.so",
       "ended the process (exit status 0) while loading"},
      {"EntryCrashes", "entry_crash", [](const fs::path& d) { broken(d, "entry_crash"); }, "entry_crash.so",
       "was killed by signal 11 (Segmentation fault) while loading"},
      {"EntryHangs", "entry_hang", [](const fs::path& d) { broken(d, "entry_hang"); }, "entry_hang.so",
       "did not finish within 2 s and was stopped while loading"},
      {"EntryExits", "entry_exit", [](const fs::path& d) { broken(d, "entry_exit"); }, "entry_exit.so",
       "ended the process (exit status 0) while loading"},
      {"TruncatedLibrary", "truncated", [](const fs::path& d) { truncated_copy(d, "truncated"); }, "truncated.so",
       "while loading"},
      {"LibraryForAnotherMachine", "aarch64",
       [](const fs::path& d) {
         broken(d, "crash");
         fs::rename(d / "crash.so", d / "aarch64.so");
         std::ofstream(d / "aarch64.yaml") << "name: aarch64\nabi: \"1.0\"\n";
         fs::remove(d / "crash.yaml");
         std::fstream f(d / "aarch64.so", std::ios::in | std::ios::out | std::ios::binary);
         f.seekp(18);
         f.put(static_cast<char>(183)).put(0);  // e_machine = EM_AARCH64
       },
       "aarch64.so", "it is built for AArch64 (64-bit), this host runs x86-64 (64-bit)"},
      // Answers forged onto the pipe by plugin code: range-checked, never trusted.
      {"ForgedHugeModuleIndex", "forged_huge_index", [](const fs::path& d) { broken(d, "forged_huge_index"); },
       "forged_huge_index.so", "answered module 1099511627776 for node 0, outside the model's"},
      {"ForgedModuleIndex1000", "forged_index_1000", [](const fs::path& d) { broken(d, "forged_index_1000"); },
       "forged_index_1000.so", "answered module 1000 for node 0, outside the model's"},
      {"TagNotUtf8", "bad_utf8_tag", [](const fs::path& d) { broken(d, "bad_utf8_tag"); }, "bad_utf8_tag.so",
       "gave module 0 a tag that is not valid UTF-8"},
  };
}

class BrokenPlugin : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    copy_shipped_plugin(plugins.path(), "htp");
    GetParam().setup(plugins.path());
  }
  CommandResult export_with(const std::string& strategy, const std::string& out) {
    return run("env -u MODELEXPORT_PLUGIN_PATH " + quote(modelexport_bin()) + " export " + quote(fixture_model("mlp")) +
               " " + quote(out) + " --input x:float32:2x16 --plugin-dir " + quote(plugins.path().string()) +
               " --strategy " + strategy + " --strategy-timeout 2");
  }
  TempDir plugins, out;
};

TEST_P(BrokenPlugin, UsingItGivesOneLineNamingFileAndReason) {
  auto r = export_with(GetParam().strategy, out.file("m.onnx"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(plugins.file(GetParam().file)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(GetParam().reason), std::string::npos) << r.err;
  EXPECT_TRUE(out.entries().empty()) << "nothing written";
}

TEST_P(BrokenPlugin, HtpBesideItStillWorks) {
  auto r = export_with("htp", out.file("m.onnx"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out.file("m.onnx")));
  auto list = run(quote(modelexport_bin()) + " plugins --plugin-dir " + quote(plugins.path().string()));
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("htp "), std::string::npos) << list.out;
}

// The model is loaded while the plugin's probe child runs (core/pipelines/export.cpp): with
// both broken, the plugin is named, as when the model was loaded after it; with the plugin
// sound, the model is.
TEST(BrokenPluginAndModel, ThePluginIsNamedFirstThenTheModel) {
  TempDir plugins, out;
  copy_shipped_plugin(plugins.path(), "htp");
  broken(plugins.path(), "ctor_crash");
  const std::string model = out.file("damaged.pt");
  std::ofstream(model, std::ios::binary) << read_file(fixture_model("mlp")).substr(0, 3000);
  auto with = [&](const std::string& strategy) {
    return run("env -u MODELEXPORT_PLUGIN_PATH " + quote(modelexport_bin()) + " export " + quote(model) + " " +
               quote(out.file("m.onnx")) + " --input x:float32:2x16 --plugin-dir " + quote(plugins.path().string()) +
               " --strategy " + strategy);
  };
  auto r = with("ctor_crash");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(plugins.file("ctor_crash.so")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("was killed by signal 11"), std::string::npos) << r.err;
  r = with("htp");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("modelexport: error: model file '" + model + "'", 0), 0u) << r.err;
  EXPECT_EQ(out.entries(), std::vector<std::string>{"damaged.pt"});
}

INSTANTIATE_TEST_SUITE_P(Kinds, BrokenPlugin, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace mx::test
