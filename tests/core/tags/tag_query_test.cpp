// Glob queries by tag, class name and path; stats counted from the node metadata.
#include <gtest/gtest.h>

#include "support/test_env.h"
#include "support/tiny_tagged_model.h"
#include "tags/tag_query.h"

namespace mx::test {
namespace {

class TagQueryTest : public ::testing::Test {
 protected:
  TempDir dir;
  TaggedModel t = load_tagged_model(write_tiny(dir.path().string(), tiny_tagged_model()));
  std::vector<std::string> paths(const std::vector<int>& ms) {
    std::vector<std::string> out;
    for (int m : ms) out.push_back(t.modules[m].path);
    return out;
  }
};

TEST_F(TagQueryTest, ByClassName) {
  EXPECT_EQ(paths(query_modules(t, "Block")), (std::vector<std::string>{"enc.blocks.0", "enc.blocks.1"}));
}

TEST_F(TagQueryTest, ByPathGlob) {
  EXPECT_EQ(paths(query_modules(t, "enc.blocks.*")), (std::vector<std::string>{"enc.blocks.0", "enc.blocks.1"}));
}

TEST_F(TagQueryTest, ByTagGlobAcrossSlashes) {
  EXPECT_EQ(paths(query_modules(t, "*/Block.1")), (std::vector<std::string>{"enc.blocks.1"}));
  // The hidden ModuleList shares /Net/Encoder, so only the Encoder matches that tag.
  EXPECT_EQ(paths(query_modules(t, "/Net/Encoder")), (std::vector<std::string>{"enc"}));
}

TEST_F(TagQueryTest, NoMatch) { EXPECT_TRUE(query_modules(t, "Conv*").empty()); }

TEST_F(TagQueryTest, Stats) {
  TagStats s = tag_stats(t);
  EXPECT_EQ(s.nodes, 7);
  EXPECT_EQ(s.tagged, 7);
  EXPECT_EQ(s.distinct_tags, 5);  // /Net, /Net/ReLU, two blocks, /Net/Linear
  EXPECT_EQ(s.max_depth, 3);      // /Net/Encoder/Block.0
  EXPECT_EQ(s.decisions.at("direct"), 6);
  EXPECT_EQ(s.decisions.at("root"), 1);
  EXPECT_EQ(s.op_types.at("MatMul"), 3);
  EXPECT_EQ(s.modules_with_nodes, 7);
  EXPECT_EQ(s.strategy, "htp");
  ASSERT_FALSE(s.largest.empty());
  EXPECT_EQ(s.largest[0].second, 2);
}

}  // namespace
}  // namespace mx::test
