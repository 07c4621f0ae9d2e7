// The HTML page's parts that need no browser: nothing loaded from elsewhere, the icicle
// chart's geometry, parameter bytes per module (tests/host/html_page_test.cpp opens it).
#include <gtest/gtest.h>

#include <regex>

#include "report/html_report.h"
#include "support/tiny_profile.h"

namespace mx::test {
namespace {

TEST(HtmlReport, SelfContainedWithTheChartScaledToTime) {
  Tiny t;
  auto f = fold(t, profile_text({{"/act/Relu", "Relu", 250}, {"/head/MatMul", "MatMul", 750}}));
  std::string page = html_report(t.model, &f);
  EXPECT_EQ(page.find("://"), std::string::npos);  // no URL of any scheme
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  std::string svg = icicle_svg(t.model, f);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex("data-id=\"6\"><rect x=\"([0-9.]+)\" y=\"24\" width=\"([0-9.]+)\"")));
  EXPECT_EQ(m[2].str(), "750.00");  // head: 3/4 of the 1000 units
  EXPECT_EQ(svg.find("data-id=\"2\""), std::string::npos);  // enc has no time: no cell
  std::string tree = html_report(t.model, nullptr);
  EXPECT_EQ(tree.find("<svg"), std::string::npos);
}

TEST(HtmlReport, ParameterBytesCountEachInitializerOnce) {
  Tiny t;
  auto own = own_parameter_bytes(t.model);
  EXPECT_EQ(own[4], 16);  // W0: 2x2 float
  EXPECT_EQ(own[5], 16);
  EXPECT_EQ(own[6], 16);
  EXPECT_EQ(own[0], 0);
}

}  // namespace
}  // namespace mx::test
