// `modelexport ops`: every aten op the converter accepts is listed with its opset and the
// file that converts it, checked against the ops/ tables read as source text; and the
// commands that need no model start without loading LibTorch.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "convert/op_registry.h"
#include "report/ops.pb.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

modelexport::ops::OpsList listed_ops() {
  auto r = run(quote(modelexport_bin()) + " ops --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  modelexport::ops::OpsList list;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &list).ok()) << r.out;
  return list;
}

// aten op -> source file, read from the MX_OPS rows of core/convert/ops/*.cpp and the rows
// of base_ops.yaml: what a reader of the tree sees, independent of the registration code.
std::map<std::string, std::set<std::string>> ops_in_sources() {
  std::map<std::string, std::set<std::string>> out;
  const fs::path dir = fs::path(source_root()) / "core/convert/ops";
  std::regex row(R"re(\{"((?:aten|prim)::[A-Za-z0-9_]+)", *\d+, *\w+\})re");
  std::regex yaml_row(R"re(aten: *((?:aten|prim)::[A-Za-z0-9_]+))re");
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".cpp" && entry.path().extension() != ".yaml") continue;
    std::string text = read_file(entry.path().string());
    const auto& re = entry.path().extension() == ".yaml" ? yaml_row : row;
    std::string source = "core/convert/ops/" + entry.path().filename().string();
    for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) out[(*it)[1]].insert(source);
  }
  return out;
}

TEST(OpsCommand, ListsEveryOpOfTheOpsTablesWithItsSourceFile) {
  auto list = listed_ops();
  std::map<std::string, std::set<std::string>> listed;
  for (const auto& row : list.ops()) listed[row.aten()].insert(row.source());
  auto sources = ops_in_sources();
  ASSERT_GT(sources.size(), 90u) << "the source scan found the tables";
  for (const auto& [op, files] : sources) {
    ASSERT_TRUE(listed.count(op)) << op << " is in " << *files.begin() << " but not listed";
    EXPECT_EQ(listed[op], files) << op;
  }
  for (const auto& [op, files] : listed) EXPECT_TRUE(sources.count(op)) << op << " is listed but in no ops/ file";
  EXPECT_EQ(list.count(), static_cast<int>(listed.size()));
}

TEST(OpsCommand, EveryListedOpAndItsInPlaceFormIsAccepted) {
  auto registry = OpRegistry::builtin();
  auto list = listed_ops();
  for (const auto& row : list.ops()) {
    EXPECT_NE(registry.find(row.aten(), row.since_opset()), nullptr) << row.aten();
    // Python operators (aten::__and__) end in "__" and are not in-place variants.
    bool dunder = row.aten().size() > 2 && row.aten().compare(row.aten().size() - 2, 2, "__") == 0;
    if (!dunder) {
      EXPECT_NE(row.aten().back(), '_') << "in-place variants are derived, not listed: " << row.aten();
    }
  }
  ASSERT_NE(registry.find("aten::relu_", 17), nullptr);
  EXPECT_EQ(registry.find("aten::relu_", 17)->emit, registry.find("aten::relu", 17)->emit);
  // aten::__and__ is converted now; __lshift__ is not, and is not derived from an "aten::__lshift_".
  EXPECT_EQ(registry.find("aten::__lshift__", 17), nullptr) << "a dunder name is not an in-place variant";
}

TEST(OpsCommand, TextListingEndsWithTheCount) {
  auto r = run(quote(modelexport_bin()) + " ops");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("aten::conv2d  opset 11+  core/convert/ops/conv.cpp"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(listed_ops().count()) + " aten operators\n"), std::string::npos);
}

// LD_DEBUG=libs makes the dynamic loader print every library it loads.
bool loads_libtorch(const std::string& args) {
  auto r = run("LD_DEBUG=libs " + quote(modelexport_bin()) + " " + args);
  return r.err.find("libtorch_cpu.so") != std::string::npos;
}

TEST(OpsCommand, CommandsWithoutAModelDoNotLoadLibTorch) {
  EXPECT_FALSE(loads_libtorch("ops"));
  EXPECT_FALSE(loads_libtorch("plugins --plugin-dir " + quote(plugin_build_dir())));
  EXPECT_FALSE(loads_libtorch("--help"));
  EXPECT_TRUE(loads_libtorch("export --help")) << "the check can see LibTorch being loaded";
}

}  // namespace
}  // namespace mx::test
