// The HTML page (`tags FILE html`, `profile ... --html`) opened in headless Chromium
// (tests/browser/check_page.js): a module expands, a search shows the modules it should,
// nothing is fetched from anywhere; a screenshot lands in the build folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "support/model_exports.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Opens `page`, expands `expand` (comma-separated paths), searches `search`.
json browse(const std::string& page, const std::string& screenshot, const std::string& expand,
            const std::string& search) {
  auto r = run("node " + quote(source_root() + "/tests/browser/check_page.js") + " " + quote(page) + " " +
               quote(screenshot) + " " + quote(expand) + " " + quote(search));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? json::parse(r.out) : json::object();
}

// Whether `text` occurs in `name` reaching into its last `sep`-separated part: a module's own
// part of its tag or path, so that a block's children do not match the block's name.
bool own_part_has(const std::string& name, const std::string& text, char sep) {
  auto at = lower(name).rfind(lower(text));
  auto last = name.rfind(sep);
  return at != std::string::npos && (last == std::string::npos || at + text.size() > last);
}

// The tags of the sidecar's modules whose class contains `text`, or whose own part of the tag
// or path does, ignoring case: what the search box must show, found here without the page.
std::vector<std::string> expected_hits(const std::string& sidecar, const std::string& text) {
  std::vector<std::string> tags;
  json doc = json::parse(read_file(sidecar));
  for (const auto& m : doc["modules"]) {
    std::string tag = m["tag"].get<std::string>();
    if (lower(m["class_name"].get<std::string>()).find(lower(text)) != std::string::npos ||
        own_part_has(tag, text, '/') || own_part_has(m["path"].get<std::string>(), text, '.'))
      tags.push_back(tag);
  }
  return tags;
}

std::string screenshot_path(const std::string& name) { return env_path("MODELEXPORT_BUILD_ROOT") + "/tests/screenshots/" + name; }

TEST(HtmlPage, ProfiledBertExpandsSearchesAndShowsTheChart) {
  const auto& e = export_with(model_case("bert"), "htp");
  ASSERT_EQ(e.result.exit_code, 0) << e.result.err;
  TempDir dir;
  auto ort = profile_in_onnxruntime(e.onnx, "bert", dir.path().string(), "all", 2);
  ASSERT_EQ(ort.exit_code, 0) << ort.err;
  auto r = run(quote(modelexport_bin()) + " profile " + quote(e.onnx) + " " + quote(dir.file("profile.json")) +
               " --ort-graph " + quote(dir.file("ort_graph.onnx")) + " --html " + quote(dir.file("page.html")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string html = read_file(dir.file("page.html"));
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);

  std::string shot = screenshot_path("profile_bert.png");
  json seen = browse(dir.file("page.html"), shot, "encoder,encoder.layer", "BertSelfAttention");
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen["requests"].empty()) << seen["requests"];
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"];
  EXPECT_EQ(seen["initial_rows"].get<int>(), 4);  // the root and its three children
  EXPECT_EQ(seen["expanded"]["visible_before"].get<int>(), 0);
  EXPECT_EQ(seen["expanded"]["visible_after"].get<int>(), 2);
  EXPECT_EQ(seen["expanded"]["labels"], json({"BertLayer.0", "BertLayer.1"}));
  auto hits = expected_hits(e.sidecar, "BertSelfAttention");
  EXPECT_EQ(hits.size(), 2u);  // one per layer
  EXPECT_EQ(seen["search"]["hit_titles"].get<std::vector<std::string>>(), hits);
  EXPECT_EQ(seen["search"]["matches"].get<std::string>(), std::to_string(hits.size()) + " module(s) match");
  EXPECT_GT(seen["cells"].get<int>(), 10);
  EXPECT_NE(seen["hover"].get<std::string>().find(" ms ("), std::string::npos) << seen["hover"];
  EXPECT_GT(fs::file_size(shot), 10000u);
}

TEST(HtmlPage, TagsHtmlOfResnet18SearchesByClass) {
  const auto& e = export_with(model_case("resnet18"), "htp");
  ASSERT_EQ(e.result.exit_code, 0) << e.result.err;
  TempDir dir;
  auto r = run(quote(modelexport_bin()) + " tags " + quote(e.onnx) + " html -o " + quote(dir.file("page.html")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json seen = browse(dir.file("page.html"), screenshot_path("tags_resnet18.png"), "layer2", "BasicBlock");
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen["requests"].empty()) << seen["requests"];
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"];
  EXPECT_EQ(seen["expanded"]["labels"], json({"BasicBlock.0", "BasicBlock.1"}));
  EXPECT_EQ(seen["cells"].get<int>(), 0);  // no profile, no chart
  auto hits = expected_hits(e.sidecar, "BasicBlock");
  EXPECT_EQ(hits.size(), 8u);  // two per layer
  EXPECT_EQ(seen["search"]["hit_titles"].get<std::vector<std::string>>(), hits);
}

TEST(HtmlPage, TagsHtmlNeedsAnOutput) {
  const auto& e = export_with(model_case("resnet18"), "htp");
  auto r = run(quote(modelexport_bin()) + " tags " + quote(e.onnx) + " html");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "modelexport: error: tags html needs -o OUT.html\n");
}

}  // namespace
}  // namespace mx::test
