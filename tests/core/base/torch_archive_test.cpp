// The archive check finds every pickle that LibTorch would unpickle, named in any case (its
// ZIP reader ignores case: the input_file fuzzer's "data.pKl" went unchecked), and refuses
// two records under one such name.
#include "base/torch_archive.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "base/error.h"

namespace mx {
namespace {

std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>(v >> (8 * i));
  return s;
}

// A ZIP archive of stored records, laid out as a ZIP writer does.
std::string archive(const std::vector<std::pair<std::string, std::string>>& records) {
  std::string body, directory;
  for (const auto& [name, data] : records) {
    const std::string sizes = le(0, 4) + le(data.size(), 4) + le(data.size(), 4);  // crc, stored, size
    directory += "PK\x01\x02" + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes + le(name.size(), 2) +
                 le(0, 6) + le(0, 2) + le(0, 4) + le(body.size(), 4) + name;
    body +=
        "PK\x03\x04" + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + sizes + le(name.size(), 2) + le(0, 2) + name + data;
  }
  return body + directory + "PK\x05\x06" + le(0, 4) + le(records.size(), 2) + le(records.size(), 2) +
         le(directory.size(), 4) + le(body.size(), 4) + le(0, 2);
}

std::string refusal(const std::string& bytes) {
  try {
    check_torch_archive(bytes, "in.pt");
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

const std::string kLying = "\x80\x02X" + le(0xFFFF0007u, 4) + "storage.";  // a 4 GB string in 13 bytes

TEST(TorchArchive, AcceptsWholePicklesAndOtherRecords) {
  EXPECT_EQ(refusal(archive({{"in/data.pkl", "\x80\x02N."}, {"in/data/0", kLying}})), "accepted");
}

TEST(TorchArchive, ChecksPicklesNamedInAnyCase) {
  for (const char* name : {"in/data.pkl", "in/data.pKl", "in/DATA.PKL", "in/code/m.py.DEBUG_PKL"}) {
    SCOPED_TRACE(name);
    EXPECT_NE(refusal(archive({{name, kLying}})).find("its pickle '" + std::string(name) + "' claims 4294901767 bytes"),
              std::string::npos);
  }
}

TEST(TorchArchive, RefusesTwoRecordsUnderOneName) {
  EXPECT_NE(refusal(archive({{"in/data.pkl", "\x80\x02N."}, {"in/DATA.pkl", "\x80\x02N."}}))
                .find("two records are named 'in/DATA.pkl' (ignoring case)"),
            std::string::npos);
}

}  // namespace
}  // namespace mx
