// The ZIP directory reader refuses archives whose directory or records do not fit (what made
// LibTorch's miniz read past a buffer, and allocate what a record claims; found by the
// input_file fuzzer) and reads real ones.
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

TEST(ZipDirectory, AnEmptyArchiveHasNoRecords) { EXPECT_TRUE(zip_records(end_record(0, 0, 0), "empty").empty()); }

TEST(ZipDirectory, ADirectoryThatDoesNotFitIsRefused) {
  try {
    zip_records(end_record(1, 0xFFFFFF00u, 0), "lying.pt");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'lying.pt' is a damaged ZIP archive (its central directory (1 entries"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(zip_records(end_record(3, 46, 0), "short.pt"), Error);  // 3 entries in 46 bytes
  EXPECT_THROW(zip_records("PK\x05\x06", "cut.pt"), Error);
}

std::string le32(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += static_cast<char>(v >> (8 * i));
  return s;
}

// One stored record "a/data/0" holding "xyz", as a ZIP writer lays it out, whose directory
// entry claims `stored` bytes in the archive and `size` bytes uncompressed.
std::string one_record(uint32_t stored, uint32_t size) {
  std::string local = std::string("PK\x03\x04", 4) + std::string(22, '\0') + std::string("\x08\x00\x00\x00", 4) +
                      "a/data/0" + "xyz";
  std::string entry = std::string("PK\x01\x02", 4) + std::string(16, '\0') + le32(stored) + le32(size) +
                      std::string("\x08\x00", 2) + std::string(16, '\0') + "a/data/0";
  return local + entry + end_record(1, static_cast<uint32_t>(entry.size()), static_cast<uint32_t>(local.size()));
}

TEST(ZipDirectory, ReadsTheRecordsOfARealArchive) {
  std::string zip = one_record(3, 3);
  auto records = zip_records(zip, "real.pt");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records.at("a/data/0").size, 3u);
  EXPECT_EQ(zip.substr(records.at("a/data/0").data_offset, 3), "xyz");
  // the name in the central directory entry (46 bytes in), not the one in the local header
  EXPECT_EQ(records.at("a/data/0").name_offset, zip.find("PK\x01\x02") + 46);
}

std::string refusal(const std::string& zip) {
  try {
    zip_records(zip, "lying.pt");
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(ZipDirectory, ARecordLargerThanTheArchiveIsRefused) {
  // LibTorch allocates what a record claims before it reads it.
  EXPECT_NE(refusal(one_record(0xFFFF0000u, 0xFFFF0000u)).find("record 'a/data/0' claims 4294901760 bytes at 38, past the end"),
            std::string::npos);
  EXPECT_NE(refusal(one_record(3, 0xFFFF0000u)).find("record 'a/data/0' claims 4294901760 bytes but stores 3"),
            std::string::npos);
}

}  // namespace
}  // namespace mx
