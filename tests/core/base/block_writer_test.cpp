// Files written in large aligned blocks have exactly the bytes appended (in the test folder
// and on tmpfs), and a failed write comes back as its errno.
#include "base/block_writer.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>
#include <string>

#include "support/test_env.h"

namespace mx {
namespace {

namespace fs = std::filesystem;

// Pieces that cross block boundaries and end off the 4 KiB alignment, with gaps of zeros.
std::string write_pattern(const std::string& path) {
  std::mt19937 rng(7);
  std::string expected;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  EXPECT_GE(fd, 0) << path;
  {
    BlockWriter w(fd);
    for (size_t n : {size_t(100), BlockWriter::kBlock - 50, size_t(3) << 20, BlockWriter::kBlock * 2 + 77, size_t(1)}) {
      std::string piece(n, '\0');
      for (auto& c : piece) c = static_cast<char>(rng());
      EXPECT_TRUE(w.append(piece.data(), piece.size()));
      expected += piece;
      EXPECT_TRUE(w.zeros(4099));
      expected += std::string(4099, '\0');
    }
    EXPECT_EQ(w.finish(), 0);
    EXPECT_EQ(w.size(), expected.size());
  }
  ::close(fd);
  return expected;
}

TEST(BlockWriter, TheFileHoldsExactlyTheBytesAppended) {
  test::TempDir dir;
  const std::string path = dir.file("data.bin");
  const std::string expected = write_pattern(path);
  EXPECT_EQ(fs::file_size(path), expected.size());
  EXPECT_TRUE(test::read_file(path) == expected);
}

TEST(BlockWriter, TmpfsGetsTheSameBytes) {
  if (!fs::is_directory("/dev/shm")) GTEST_SKIP() << "no tmpfs at /dev/shm";
  const std::string path = "/dev/shm/mx-block-writer-" + std::to_string(::getpid());
  const std::string expected = write_pattern(path);
  const std::string got = test::read_file(path);
  fs::remove(path);
  EXPECT_TRUE(got == expected);
}

TEST(BlockWriter, AFailedWriteIsItsErrno) {
  int fd = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  BlockWriter w(fd);
  std::string piece(BlockWriter::kBlock * 3, 'x');  // several blocks: the failure shows before finish
  w.append(piece.data(), piece.size());
  EXPECT_EQ(w.finish(), ENOSPC);
  ::close(fd);
}

}  // namespace
}  // namespace mx
