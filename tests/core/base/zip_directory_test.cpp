// The ZIP directory reader refuses archives whose directory does not fit (what made
// LibTorch's miniz read past a buffer, found by the input_file fuzzer) and reads real ones.
#include "base/zip_directory.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mx {
namespace {

// An end-of-central-directory record: `count` entries, `size` bytes at `offset`.
std::string end_record(uint16_t count, uint32_t size, uint32_t offset) {
  std::string r = "PK\x05\x06";
  r += std::string(4, '\0');
  for (uint16_t v : {count, count}) r += std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
  for (uint32_t v : {size, offset})
    for (int i = 0; i < 4; ++i) r += static_cast<char>(v >> (8 * i));
  return r + std::string(2, '\0');
}

TEST(ZipDirectory, AnEmptyArchiveHasNoRecords) { EXPECT_TRUE(zip_record_sizes(end_record(0, 0, 0), "empty").empty()); }

TEST(ZipDirectory, ADirectoryThatDoesNotFitIsRefused) {
  try {
    zip_record_sizes(end_record(1, 0xFFFFFF00u, 0), "lying.pt");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'lying.pt' is a damaged ZIP archive (its central directory (1 entries"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(zip_record_sizes(end_record(3, 46, 0), "short.pt"), Error);  // 3 entries in 46 bytes
  EXPECT_THROW(zip_record_sizes("PK\x05\x06", "cut.pt"), Error);
}

TEST(ZipDirectory, ReadsTheRecordSizesOfARealArchive) {
  // One stored record "a/data/0" of 3 bytes, as a ZIP writer lays it out.
  std::string local = std::string("PK\x03\x04", 4) + std::string(22, '\0') + std::string("\x08\x00\x00\x00", 4) +
                      "a/data/0" + "xyz";
  std::string entry = std::string("PK\x01\x02", 4) + std::string(20, '\0') + std::string("\x03\x00\x00\x00", 4) +
                      std::string("\x08\x00", 2) + std::string(16, '\0') + "a/data/0";
  std::string zip = local + entry + end_record(1, static_cast<uint32_t>(entry.size()), static_cast<uint32_t>(local.size()));
  auto sizes = zip_record_sizes(zip, "real.pt");
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes.at("a/data/0"), 3u);
}

}  // namespace
}  // namespace mx
