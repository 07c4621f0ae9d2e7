// The shipped plugins export exactly one symbol, the entry point: read from their dynamic
// symbol tables with `nm -D --defined-only`.
#include <gtest/gtest.h>
#include <modelexport/plugin.h>

#include <sstream>

#include "support/test_env.h"

namespace mx::test {
namespace {

std::vector<std::string> exported_symbols(const std::string& library) {
  auto r = run("nm -D --defined-only " + quote(library));
  if (r.exit_code != 0) throw std::runtime_error("nm failed on " + library + ": " + r.err);
  std::vector<std::string> names;
  std::istringstream lines(r.out);
  std::string address, type, name;
  while (lines >> address >> type >> name) names.push_back(name);
  return names;
}

class ExportedSymbols : public ::testing::TestWithParam<std::string> {};

TEST_P(ExportedSymbols, OnlyTheEntryPoint) {
  std::string so = (fs::path(plugin_build_dir()) / GetParam() / (GetParam() + ".so")).string();
  ASSERT_TRUE(fs::exists(so)) << so;
  EXPECT_EQ(exported_symbols(so), std::vector<std::string>{MX_ENTRY_SYMBOL});
}

INSTANTIATE_TEST_SUITE_P(Shipped, ExportedSymbols, ::testing::Values("htp", "usage_based"));

}  // namespace
}  // namespace mx::test
