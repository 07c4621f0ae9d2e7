// `modelexport ops --coverage`: reference op names classified against core's registry.
#include "report/op_coverage.h"

#include <gtest/gtest.h>

#include "convert/ops/refused.h"

namespace mx {
namespace {

TEST(OpCoverage, ClassifiesConvertedRefusedInterpretedAndMissing) {
  auto c = op_coverage(OpRegistry::builtin(), {"aten::where", "aten::bernoulli", "aten::pop", "aten::__and_",
                                               "aten::not_an_op", "aten::_cast_Bool", "prim::Constant"});
  ASSERT_EQ(c.rows.size(), 6u);  // prim:: is not an aten op
  EXPECT_EQ(c.rows[0].status, "converted");
  EXPECT_EQ(c.rows[0].detail, "core/convert/ops/compare_logic.cpp");
  EXPECT_EQ(c.rows[1].status, "refused");
  EXPECT_NE(c.rows[1].detail.find("random numbers"), std::string::npos) << c.rows[1].detail;
  EXPECT_EQ(c.rows[2].status, "interpreted");
  EXPECT_EQ(c.rows[3].status, "converted");  // the reference spells aten::__and__ "aten::__and_"
  EXPECT_EQ(c.rows[4].status, "missing");
  EXPECT_EQ(c.rows[5].status, "refused");  // no entry: torch 1.13 has no such op
  EXPECT_NE(c.rows[5].detail.find("has no such op"), std::string::npos) << c.rows[5].detail;
  EXPECT_EQ(c.converted, 2);
  EXPECT_EQ(c.refused, 2);
  EXPECT_EQ(c.interpreted, 1);
  EXPECT_EQ(c.missing, 1);
  std::string text = op_coverage_text(c);
  EXPECT_NE(text.find("6 aten ops: 2 converted, 2 refused on purpose, 1 interpreted, 1 missing"), std::string::npos)
      << text;
}

// Names the reference lists that torch 1.13 has no operator for: refused with that reason,
// without a converter registry entry (no graph could exercise one).
TEST(OpCoverage, NamesThatAreNoOperatorAreRefusedWithTheReason) {
  OpRegistry registry = OpRegistry::builtin();
  auto c = op_coverage(registry, {"aten::get_pool_ceil_padding", "aten::scan"});
  ASSERT_EQ(c.rows.size(), 2u);
  for (const auto& row : c.rows) {
    EXPECT_EQ(row.status, "refused") << row.op;
    EXPECT_EQ(row.detail.rfind("not an operator: ", 0), 0u) << row.detail;
    EXPECT_TRUE(registry.all(row.op).empty()) << row.op;
  }
  EXPECT_EQ(c.refused, 2);
}

TEST(OpCoverage, EveryRefusedOpHasItsReason) {
  int refused = 0;
  OpRegistry registry = OpRegistry::builtin();
  for (const auto* e : registry.every_entry())
    if (e->source == "core/convert/ops/refused.cpp") {
      ++refused;
      EXPECT_NE(refusal_reason(e->emit), nullptr) << e->aten;
    }
  EXPECT_GE(refused, 30);
}

}  // namespace
}  // namespace mx
