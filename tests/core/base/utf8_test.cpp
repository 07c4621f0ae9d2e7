// UTF-8 checks: what protobuf string fields accept, and messages that quote a file's bytes
// made printable (the onnx_sidecar fuzzer found problems quoting invalid UTF-8, which
// protobuf's writer logged instead of writing).
#include "base/utf8.h"

#include <gtest/gtest.h>

namespace mx {
namespace {

TEST(Utf8, WellFormedSequencesOnly) {
  EXPECT_TRUE(valid_utf8("plain /Net/Block.0 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));  // a surrogate
  EXPECT_FALSE(valid_utf8("\xe2\x82"));      // cut short
}

TEST(Utf8, PrintableKeepsWellFormedTextAndEscapesTheRest) {
  EXPECT_EQ(printable_utf8("node 'a\xc3\xa9'"), "node 'a\xc3\xa9'");
  EXPECT_EQ(printable_utf8("node 'a\xff\xe2\x82'"), "node 'a\\xff\\xe2\\x82'");
  EXPECT_TRUE(valid_utf8(printable_utf8("\xed\xa0\x80\xc0")));
}

}  // namespace
}  // namespace mx
