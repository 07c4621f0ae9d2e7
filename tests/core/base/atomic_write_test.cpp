// Outputs appear whole or not at all.
#include "base/atomic_write.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "support/test_env.h"

namespace mx {
namespace {

using test::TempDir;

TEST(AtomicWrite, WritesEveryFile) {
  TempDir dir;
  write_files_atomically({{dir.file("a.onnx"), "AAA"}, {dir.file("a.json"), "{}"}});
  EXPECT_EQ(test::read_file(dir.file("a.onnx")), "AAA");
  EXPECT_EQ(test::read_file(dir.file("a.json")), "{}");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"a.json", "a.onnx"}));
}

TEST(AtomicWrite, OneUnwritableFileLeavesNoFileAtAll) {
  TempDir dir;
  EXPECT_THROW(write_files_atomically({{dir.file("a.onnx"), "AAA"}, {dir.file("no/such/a.json"), "{}"}}), Error);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicWrite, ReplacesAnOldFileOnlyWhenDone) {
  TempDir dir;
  std::ofstream(dir.file("a.onnx")) << "old";
  EXPECT_THROW(write_files_atomically({{dir.file("a.onnx"), "new"}, {dir.file("x/a.json"), "{}"}}), Error);
  EXPECT_EQ(test::read_file(dir.file("a.onnx")), "old");
}

TEST(CheckWritable, NamesThePathAndTheReason) {
  TempDir dir;
  try {
    check_writable(dir.file("missing/out.onnx"));
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write '" + dir.file("missing/out.onnx") + "': folder '" +
                                         dir.file("missing") + "' does not exist");
  }
  EXPECT_THROW(check_writable(dir.path().string()), Error);
  EXPECT_NO_THROW(check_writable(dir.file("ok.onnx")));
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace mx
