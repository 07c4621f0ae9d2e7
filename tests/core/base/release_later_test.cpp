// Replaced outputs held open through the commit and closed on a thread of their own.
#include "base/release_later.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/atomic_write.h"
#include "support/test_env.h"

namespace mx {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// Open descriptors of this process whose file is gone from every folder ("... (deleted)")
// and lived in `dir`.
int deleted_files_open(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    std::string target = fs::read_symlink(e.path(), ec).string();
    if (!ec && target.rfind(dir.string(), 0) == 0 && target.find(" (deleted)") != std::string::npos) ++n;
  }
  return n;
}

// Waits up to 10 s for `done` (the closing thread runs beside the test).
template <class F>
bool within_seconds(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

TEST(ReleaseLater, HoldsARegularFileThatOutlivesItsName) {
  TempDir dir;
  std::ofstream(dir.file("old.onnx")) << "old bytes";
  int fd = hold_regular_file(dir.file("old.onnx"));
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::unlink(dir.file("old.onnx").c_str()), 0);
  char buf[16] = {};
  EXPECT_EQ(::read(fd, buf, sizeof buf), 9);
  EXPECT_STREQ(buf, "old bytes");
  ::close(fd);
}

TEST(ReleaseLater, NeverHoldsWhatIsNotARegularFile) {
  TempDir dir;
  EXPECT_EQ(hold_regular_file(dir.file("missing")), -1);
  EXPECT_EQ(hold_regular_file(dir.path().string()), -1);  // a folder
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  EXPECT_EQ(hold_regular_file(dir.file("fifo")), -1);  // and does not block on it
  std::ofstream(dir.file("real")) << "x";
  fs::create_symlink(dir.file("real"), dir.file("link"));
  EXPECT_EQ(hold_regular_file(dir.file("link")), -1);  // a link is not followed
}

TEST(ReleaseLater, ClosesEveryDescriptorItIsGiven) {
  TempDir dir;
  std::ofstream(dir.file("a")) << "a";
  std::ofstream(dir.file("b")) << "b";
  int a = hold_regular_file(dir.file("a")), b = hold_regular_file(dir.file("b"));
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  close_later({a, -1, b});
  EXPECT_TRUE(within_seconds([&] { return !is_open(a) && !is_open(b); }));
}

// Overwriting a set of outputs leaves none of the old files open once the closing thread
// is done: every replaced file's space is given back.
TEST(ReleaseLater, AnOverwriteLeavesNoOldFileOpen) {
  TempDir dir;
  std::ofstream(dir.file("m.onnx")) << "old model";
  std::ofstream(dir.file("m.json")) << "old sidecar";
  write_files_atomically({{dir.file("m.onnx"), "new model"}, {dir.file("m.json"), "new sidecar"}});
  EXPECT_EQ(test::read_file(dir.file("m.onnx")), "new model");
  EXPECT_EQ(test::read_file(dir.file("m.json")), "new sidecar");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"m.json", "m.onnx"}));
  EXPECT_TRUE(within_seconds([&] { return deleted_files_open(dir.path()) == 0; }));
}

}  // namespace
}  // namespace mx
