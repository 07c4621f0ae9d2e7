// `modelexport ops`: every aten op the converter accepts is listed with its opset and the
// file that converts it, checked against the ops/ tables read as source text; refused and
// interpreted ops are listed with why; and the commands that need no model start without
// loading LibTorch.
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
  std::regex row(R"re(\{"((?:aten|prim|torchvision)::[A-Za-z0-9_]+)", *\d+, *\w+\})re");
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
  // A dunder name is not an in-place variant: "aten::__foo__" is not derived from "aten::__foo_".
  OpRegistry dunder;
  dunder.add("aten::__foo_", 1, registry.find("aten::relu", 17)->emit, "test");
  EXPECT_EQ(dunder.find("aten::__foo__", 17), nullptr) << "a dunder name is not an in-place variant";
  EXPECT_NE(dunder.find("aten::__foo_", 17), nullptr);
}

// Refused ops are listed with their reason: those with an entry that fails (as rows too, marked
// refused), and those no torch 1.13 graph holds (no row); interpreted ops have no entry.
TEST(OpsCommand, ListsRefusedAndInterpretedOpsWithTheirReasons) {
  auto list = listed_ops();
  auto registry = OpRegistry::builtin();
  std::map<std::string, std::string> refused_rows;
  for (const auto& row : list.ops())
    if (!row.refused().empty()) refused_rows[row.aten()] = row.refused();
  ASSERT_GE(list.refused_size(), 30);
  std::set<std::string> with_entry;
  for (const auto& n : list.refused()) {
    EXPECT_FALSE(n.reason().empty()) << n.aten();
    if (n.has_entry()) {
      with_entry.insert(n.aten());
      ASSERT_TRUE(refused_rows.count(n.aten())) << n.aten();
      EXPECT_EQ(refused_rows[n.aten()], n.reason());
    } else {
      EXPECT_EQ(registry.find(n.aten(), 17), nullptr) << n.aten() << " is refused without an entry but has one";
    }
  }
  for (const auto& [op, why] : refused_rows) EXPECT_TRUE(with_entry.count(op)) << op;
  EXPECT_TRUE(with_entry.count("aten::bernoulli"));
  ASSERT_GE(list.interpreted_size(), 15);
  for (const auto& n : list.interpreted()) {
    EXPECT_EQ(registry.find(n.aten(), 17), nullptr) << n.aten() << " is listed as interpreted but has a converter";
    EXPECT_FALSE(n.reason().empty()) << n.aten();
  }
}

// "torch 1.13 has no such op" is checked against torch itself: no schema has that name.
TEST(OpsCommand, OpsRefusedAsAbsentFromTorchHaveNoSchema) {
  std::string names;
  auto list = listed_ops();
  for (const auto& n : list.refused())
    if (!n.has_entry() && n.reason().find("has no such op") != std::string::npos) names += " " + n.aten();
  ASSERT_FALSE(names.empty());
  auto r = run("/usr/bin/python3 -c " +
               quote("import sys, torch\n"
                     "found = [n for n in sys.argv[1:] if torch._C._jit_get_schemas_for_operator(n)]\n"
                     "print(' '.join(found)); sys.exit(1 if found else 0)") +
               names);
  EXPECT_EQ(r.exit_code, 0) << "torch has these ops:" << r.out << r.err;
}

TEST(OpsCommand, TextListingMarksRefusedAndInterpretedOpsAndEndsWithTheCounts) {
  auto r = run(quote(modelexport_bin()) + " ops");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("aten::conv2d  opset 11+  core/convert/ops/conv.cpp\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("aten::bernoulli  opset 1+  core/convert/ops/refused.cpp  refused: it draws random numbers"),
            std::string::npos);
  EXPECT_NE(r.out.find("\naten::_cast_Bool  refused: torch 1.13 has no such op"), std::string::npos);
  EXPECT_NE(r.out.find("\naten::pop  interpreted: "), std::string::npos);
  auto list = listed_ops();
  int with_entry = 0;
  for (const auto& n : list.refused()) with_entry += n.has_entry();
  int converted = list.count() - with_entry;
  std::string last = std::to_string(converted + list.refused_size() + list.interpreted_size()) + " aten operators: " +
                     std::to_string(converted) + " converted, " + std::to_string(list.refused_size()) +
                     " refused on purpose, " + std::to_string(list.interpreted_size()) + " interpreted by the tracer\n";
  ASSERT_GE(r.out.size(), last.size());
  EXPECT_EQ(r.out.substr(r.out.size() - last.size()), last);
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
