// See hostile.h.
#include "hostile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

namespace mx::test {

CommandResult modelexport(const std::string& args, int seconds) {
  return run("timeout -s KILL " + std::to_string(seconds) + " " + quote(modelexport_bin()) + " " + args);
}

void expect_one_error(const CommandResult& r, const std::string& says) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(says), std::string::npos) << "expected '" << says << "' in: " << r.err;
}

std::map<std::string, std::string> snapshot(const TempDir& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    const std::string name = e.path().filename().string();
    if (e.is_symlink())
      out[name] = "<link> " + fs::read_symlink(e.path()).string();
    else if (e.is_directory())
      out[name] = "<dir>";
    else if (e.is_regular_file()) {
      std::string bytes = read_file(e.path().string());  // size and hash: readable when they differ
      out[name] = std::to_string(bytes.size()) + " bytes, hash " + std::to_string(std::hash<std::string>{}(bytes));
    } else
      out[name] = "<other>";
  }
  return out;
}

}  // namespace mx::test
