// The model file as LibTorch's loader reads it: every byte as on disk, in reads of any size
// (the large ones in two halves), except the bytes it is told to show as NUL.
#include "torch/parallel_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <utility>
#include <vector>

#include "base/error.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

// 20 MiB of bytes 1..251 (never NUL), so that a read of 16 MiB is split in two.
std::string write_pattern(const TempDir& dir) {
  std::string bytes(20 << 20, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(1 + i % 251);
  std::ofstream(dir.file("f.bin"), std::ios::binary) << bytes;
  return bytes;
}

TEST(ParallelFileReader, ReadsTheFileAndShowsTheGivenBytesAsNul) {
  TempDir dir;
  const std::string bytes = write_pattern(dir);
  const uint64_t second_half = (12 << 20) + 7;  // in the helper thread's half of a 16 MiB read
  ParallelFileReader reader(dir.file("f.bin"), {second_half, 5, 2});
  EXPECT_EQ(reader.size(), bytes.size());

  std::string small(10, 'x');
  ASSERT_EQ(reader.read(0, small.data(), small.size()), 10u);
  std::string want = bytes.substr(0, 10);
  want[2] = want[5] = '\0';
  EXPECT_EQ(small, want);

  std::string part(3, 'x');  // from 3: only offset 5 of the three falls inside
  ASSERT_EQ(reader.read(3, part.data(), part.size()), 3u);
  EXPECT_EQ(part, std::string("\x04\x05\0", 3));

  std::string big(16 << 20, 'x');
  ASSERT_EQ(reader.read(1, big.data(), big.size()), big.size());
  want = bytes.substr(1, big.size());
  want[2 - 1] = want[5 - 1] = want[second_half - 1] = '\0';
  EXPECT_TRUE(big == want);  // (not EXPECT_EQ: 16 MiB in a failure message)

  std::string tail(100, 'x');  // past the end: what is there
  EXPECT_EQ(reader.read(bytes.size() - 4, tail.data(), tail.size()), 4u);
  EXPECT_EQ(tail.substr(0, 4), bytes.substr(bytes.size() - 4));
}

// The gate (CodeChecks::gate in an export) is asked before each read, with its place and
// size; a read it refuses reads nothing.
TEST(ParallelFileReader, AReadTheGateRefusesReadsNothing) {
  TempDir dir;
  const std::string bytes = write_pattern(dir);
  std::vector<std::pair<uint64_t, size_t>> asked;
  ParallelFileReader reader(dir.file("f.bin"), {}, [&](uint64_t pos, size_t n) {
    asked.emplace_back(pos, n);
    return pos + n <= 100 || pos >= 200;  // [100, 200) is refused
  });
  std::string buf(50, 'x');
  EXPECT_EQ(reader.read(150, buf.data(), 10), 0u);
  EXPECT_EQ(reader.read(60, buf.data(), 50), 0u);  // overlaps it
  EXPECT_EQ(buf, std::string(50, 'x'));
  ASSERT_EQ(reader.read(200, buf.data(), 50), 50u);
  EXPECT_EQ(buf, bytes.substr(200, 50));
  EXPECT_EQ(asked, (std::vector<std::pair<uint64_t, size_t>>{{150, 10}, {60, 50}, {200, 50}}));
}

TEST(ParallelFileReader, AFileThatCannotBeOpenedIsNamed) {
  try {
    ParallelFileReader reader("/nonexistent/m.pt");
    ADD_FAILURE() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read model file '/nonexistent/m.pt': No such file or directory");
  }
}

}  // namespace
}  // namespace mx::test
