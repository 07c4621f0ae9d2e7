// Outputs never destroy an input or an unrelated file: an output that is an input (also
// through links or as the sidecar), a device or FIFO as output, long names, a full disk,
// and a sidecar that cannot be replaced all give one error line and leave the folder as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "support/hostile.h"

namespace mx::test {
namespace {

std::string plugins() { return " --plugin-dir " + quote(plugin_build_dir()); }
const char* kMlpInput = " --input x:float32:2x16";

class UnsafeWrites : public ::testing::Test {
 protected:
  void SetUp() override {
    model = dir.file("m.pt");
    fs::copy_file(fixture_model("mlp"), model);
  }
  CommandResult export_to(const std::string& from, const std::string& out, const std::string& extra = "") {
    return modelexport("export " + quote(from) + " " + quote(out) + kMlpInput + plugins() + extra);
  }
  TempDir dir;
  std::string model;
};

TEST_F(UnsafeWrites, ExportOverItsOwnModelIsRefused) {
  auto before = snapshot(dir);
  expect_one_error(export_to(model, model), "cannot write '" + model + "': it is the command's input");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, ExportOverTheModelThroughALinkIsRefused) {
  fs::create_symlink(model, dir.file("out.onnx"));
  auto before = snapshot(dir);
  expect_one_error(export_to(model, dir.file("out.onnx")), "it is the command's input '" + model + "'");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, ModelNamedLikeTheSidecarIsNotOverwritten) {
  std::string named = dir.file("out_hierarchy.json");
  fs::rename(model, named);
  auto before = snapshot(dir);
  expect_one_error(export_to(named, dir.file("out.onnx")), "cannot write '" + named + "': it is the command's input");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, CompareJsonOverTheModelIsRefused) {
  auto before = snapshot(dir);
  expect_one_error(modelexport("compare " + quote(model) + " --strategies htp,usage_based" + kMlpInput + plugins() +
                               " --json " + quote(model)),
                   "cannot write '" + model + "': it is the command's input");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, ExtractOverItsSourceIsRefused) {
  ASSERT_EQ(export_to(model, dir.file("f.onnx")).exit_code, 0);
  auto before = snapshot(dir);
  expect_one_error(
      modelexport("extract " + quote(dir.file("f.onnx")) + " --module encoder -o " + quote(dir.file("f.onnx"))),
      "cannot write '" + dir.file("f.onnx") + "': it is the command's input");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, TagOverItsSourceIsRefused) {
  ASSERT_EQ(export_to(model, dir.file("f.onnx")).exit_code, 0);
  auto before = snapshot(dir);
  expect_one_error(modelexport("tag " + quote(dir.file("f.onnx")) + " --model " + quote(model) + " -o " +
                               quote(dir.file("f.onnx")) + plugins()),
                   "it is the command's input");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, DeviceAndFifoOutputsAreRefusedAndKept) {
  expect_one_error(export_to(model, "/dev/null"), "cannot write '/dev/null': it exists and is a character device");
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  ASSERT_EQ(::mkfifo(dir.file("out.onnx").c_str(), 0600), 0);
  auto before = snapshot(dir);
  expect_one_error(export_to(model, dir.file("out.onnx")), "it exists and is a FIFO");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, LongOutputNamesWorkUpToWhatTheSidecarNameAllows) {
  // 240 bytes: the sidecar (stem + "_hierarchy.json") still fits in 255.
  std::string ok = dir.file(std::string(235, 'a') + ".onnx");
  auto r = export_to(model, ok);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_regular_file(dir.file(std::string(235, 'a') + "_hierarchy.json")));
  EXPECT_EQ(snapshot(dir).size(), 3u);  // model, ONNX, sidecar; no temporary

  TempDir other;
  std::string too_long = other.file(std::string(245, 'b') + ".onnx");
  std::string sidecar = other.file(std::string(245, 'b') + "_hierarchy.json");
  expect_one_error(export_to(model, too_long), "cannot write '" + sidecar + "': its name is 260 bytes long");
  EXPECT_TRUE(other.entries().empty());
}

TEST_F(UnsafeWrites, FullDiskNamesTheFileAndTheReason) {
  // A file size limit fails the write as a full disk does (EFBIG instead of ENOSPC).
  auto before = snapshot(dir);
  auto r = run("trap '' XFSZ; ulimit -f 4; " + quote(modelexport_bin()) + " export " + quote(model) + " " +
               quote(dir.file("out.onnx")) + kMlpInput + plugins());
  expect_one_error(r, "cannot write '" + dir.file("out.onnx") + "': File too large");
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(UnsafeWrites, ASidecarThatCannotBeReplacedLeavesTheOldPair) {
  ASSERT_EQ(export_to(model, dir.file("out.onnx")).exit_code, 0);
  if (run("chattr +i " + quote(dir.file("out_hierarchy.json"))).exit_code != 0)
    GTEST_SKIP() << "chattr +i is not supported here (the unit test AtomicWrite.PairIsAllOrNothing* covers it)";
  auto before = snapshot(dir);
  auto r = export_to(model, dir.file("out.onnx"), " --seed 7");
  run("chattr -i " + quote(dir.file("out_hierarchy.json")));
  expect_one_error(r, "cannot write '" + dir.file("out_hierarchy.json") + "'");
  EXPECT_EQ(snapshot(dir), before);
}

}  // namespace
}  // namespace mx::test
