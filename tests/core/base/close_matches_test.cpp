// Suggestions for mistyped module paths, tags and class names.
#include <gtest/gtest.h>

#include "base/close_matches.h"

namespace mx::test {
namespace {

const std::vector<std::string> kPaths{"layer1", "layer1.0", "layer1.1", "layer2", "layer2.0", "fc", "conv1"};

TEST(CloseMatches, TypoFindsTheIntendedName) {
  auto m = close_matches("layr2.0", kPaths);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m[0], "layer2.0");
}

TEST(CloseMatches, OutOfRangeIndexSuggestsSiblings) {
  auto m = close_matches("layer1.5", kPaths);
  EXPECT_NE(std::find(m.begin(), m.end(), "layer1.0"), m.end());
  EXPECT_NE(std::find(m.begin(), m.end(), "layer1.1"), m.end());
}

TEST(CloseMatches, NothingCloseGivesNothing) {
  EXPECT_TRUE(close_matches("transformer.decoder", kPaths).empty());
  EXPECT_EQ(close_matches_hint("transformer.decoder", kPaths), "");
}

TEST(CloseMatches, HintListsThem) { EXPECT_EQ(close_matches_hint("fcc", kPaths), "; close matches: fc"); }

TEST(CloseMatches, AtMostLimit) { EXPECT_LE(close_matches("layer", kPaths, 3).size(), 3u); }

}  // namespace
}  // namespace mx::test
