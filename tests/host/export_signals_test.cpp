// A real export interrupted while it writes (the moment picked by its temporary file's
// growth): SIGINT and SIGTERM remove the temporaries at once; after SIGKILL the next run at
// the same path removes what the killed one left. The old output stays as it was throughout.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>

#include "support/hostile.h"

extern char** environ;

namespace mx::test {
namespace {

class ExportSignals : public ::testing::Test {
 protected:
  void SetUp() override {
    big = dir.file("big.pt");
    auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/support/hostile_files.py") + " big_weight " +
                 quote(big));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    out = dir.file("out.onnx");  // the old output: an export of the mlp
    ASSERT_EQ(modelexport("export " + quote(fixture_model("mlp")) + " " + quote(out) + mlp_inputs()).exit_code, 0);
    before = snapshot(dir);
  }
  std::string mlp_inputs() const { return " --input x:float32:2x16 --plugin-dir " + quote(plugin_build_dir()); }
  // Our temporaries in the folder (".out.onnx.mx-tmp-PID-XXXXXX", also the sidecar's).
  std::vector<std::string> temporaries() const {
    std::vector<std::string> found;
    for (const auto& name : dir.entries())
      if (name.find(".mx-tmp-") != std::string::npos) found.push_back(name);
    return found;
  }
  // Starts `modelexport export big.pt out.onnx` and returns its pid once its temporary ONNX
  // file holds more than 1 MiB and less than the 256 MiB it will hold; -1 if the export
  // ended first or nothing grew within 120 s.
  pid_t start_and_catch_mid_write() {
    const std::string bin = modelexport_bin(), plugins = plugin_build_dir();
    std::vector<std::string> args{bin,     "export", big, out, "--input", "ids:int64:2:0..9", "--plugin-dir",
                                  plugins, "-q"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, dir.file("stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& name : temporaries()) {
        struct stat st {};
        if (name.rfind(".out.onnx.mx-tmp-", 0) == 0 && ::stat(dir.file(name).c_str(), &st) == 0 &&
            st.st_size > (1 << 20) && st.st_size < (256 << 20))
          return pid;
      }
      if (int status = 0; ::waitpid(pid, &status, WNOHANG) == pid) {
        ADD_FAILURE() << "the export ended (status " << status
                      << ") before its temporary file was seen growing: " << read_file(dir.file("stderr"));
        return -1;
      }
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ADD_FAILURE() << "no temporary file grew within 120 s";
    return -1;
  }
  // The folder as it was before, but for the export's stderr file.
  void expect_folder_as_before() {
    auto now = snapshot(dir);
    now.erase("stderr");
    EXPECT_EQ(now, before);
  }
  TempDir dir;
  std::string big, out;
  std::map<std::string, std::string> before;
};

TEST_F(ExportSignals, SigintAndSigtermMidWriteLeaveNoTemporaryAndTheOldOutput) {
  for (int sig : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(strsignal(sig));
    pid_t pid = start_and_catch_mid_write();
    if (pid < 0) return;
    ASSERT_EQ(::kill(pid, sig), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << "status " << status;  // ends as the signal says
    EXPECT_EQ(temporaries(), std::vector<std::string>{});
    expect_folder_as_before();
  }
}

TEST_F(ExportSignals, AfterSigkillTheNextRunRemovesTheStaleTemporaries) {
  pid_t pid = start_and_catch_mid_write();
  if (pid < 0) return;
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
  const auto left = temporaries();
  ASSERT_FALSE(left.empty());  // SIGKILL cannot be handled: what it leaves is the next run's to remove
  for (const auto& name : left) EXPECT_NE(name.find(".mx-tmp-" + std::to_string(pid) + "-"), std::string::npos) << name;
  auto now = snapshot(dir);
  for (const auto& name : left) now.erase(name);
  now.erase("stderr");
  EXPECT_EQ(now, before);  // the old output untouched

  auto r = modelexport("export " + quote(fixture_model("mlp")) + " " + quote(out) + mlp_inputs());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(temporaries(), std::vector<std::string>{});
  std::vector<std::string> names;
  for (const auto& [name, _] : before) names.push_back(name);
  names.push_back("stderr");
  std::sort(names.begin(), names.end());
  EXPECT_EQ(dir.entries(), names);  // the new pair where the old one was, nothing else
}

}  // namespace
}  // namespace mx::test
