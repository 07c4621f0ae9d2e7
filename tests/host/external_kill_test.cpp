// A model written with external data as a pair, on a LLaMA-like decoder sized by
// MODELEXPORT_LLAMA_FLAGS (the e2e suite: 210 MB, with --external-data always; the `large`
// suite: 3 GB, where auto must switch it on): ONNX Runtime matches LibTorch, Python's onnx
// checker passes on the path, an extracted layer runs like the module, and kill -9 at
// moments picked by the temporaries' growth leaves no file with a final name, nor (over an
// existing pair) any change to it; the next run removes the temporaries. And the progress
// line a long export shows on a terminal, and nowhere else.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>

#include "support/external_fixture.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

const LlamaFixture& model() {
  return llama_fixture("llama_kill", env_or("MODELEXPORT_LLAMA_FLAGS", "--layers 4 --hidden 1024 --heads 16"));
}

std::string export_command(const std::string& onnx) {
  return quote(modelexport_bin()) + " export " + quote(model().pt) + " " + quote(onnx) + " --plugin-dir " +
         quote(plugin_build_dir()) + " --input " + model().input + " " +
         env_or("MODELEXPORT_EXPORT_FLAGS", "--external-data always --external-data-threshold 1M");
}

// One complete export, shared.
const std::string& complete() {
  static TempDir dir;
  static std::string onnx;
  if (onnx.empty()) {
    auto r = run(export_command(dir.file("m.onnx")));
    if (r.exit_code != 0) throw std::runtime_error("export failed: " + r.err);
    onnx = dir.file("m.onnx");
  }
  return onnx;
}

TEST(ExternalPair, IsWrittenWithADataFileAndRunsLikeLibTorch) {
  ASSERT_TRUE(fs::exists(complete() + ".data"));
  EXPECT_LT(fs::file_size(complete()), 1u << 20);
  EXPECT_EQ(onnx_check_problems(complete()), "");
  EXPECT_LE(ort_vs_libtorch(model().pt, model().input, complete()), 1e-5);
}

TEST(ExternalPair, AnExtractedLayerRunsLikeTheModule) {
  TempDir dir;
  auto r = run(quote(modelexport_bin()) + " extract " + quote(complete()) + " --module model.layers.1 -o " +
               quote(dir.file("layer.onnx")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LE(extracted_vs_libtorch(model().pt, model().input, dir.file("layer.onnx")), 1e-4);
}

using Moment = std::function<bool(const std::vector<std::pair<std::string, uintmax_t>>&)>;

// Runs the export into `onnx` and kills it (SIGKILL, its whole process group) at `moment`;
// false if it ended first.
bool kill_export_at(const std::string& onnx, const Moment& moment) {
  pid_t pid = spawn(export_command(onnx));
  const std::string dir = fs::path(onnx).parent_path().string();
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (moment(temporaries(dir))) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return true;
    }
    ::usleep(200);
  }
  return false;
}

uintmax_t size_of(const std::vector<std::pair<std::string, uintmax_t>>& temps, const std::string& part) {
  for (const auto& [name, size] : temps)
    if (name.find(part) != std::string::npos) return size;
  return 0;
}

std::vector<std::pair<std::string, Moment>> moments() {
  const uintmax_t data = fs::file_size(complete() + ".data");
  return {
      {"model temporary created", [](const auto& t) { return !t.empty(); }},
      {"data file 1/8 written", [data](const auto& t) { return size_of(t, ".onnx.data.mx-tmp-") >= data / 8; }},
      {"data file 7/8 written", [data](const auto& t) { return size_of(t, ".onnx.data.mx-tmp-") >= data * 7 / 8; }},
      {"sidecar temporary created", [](const auto& t) { return size_of(t, "_hierarchy.json.mx-tmp-") > 0; }},
  };
}

// What the next run does first, whatever else it does (here it fails: no such model):
// check_writable replays a killed run's journal and removes its temporaries.
void next_run_on(const std::string& onnx) {
  auto r = run(quote(modelexport_bin()) + " export /nonexistent/m.pt " + quote(onnx) + " --input " + model().input);
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

const std::vector<std::string> kPair{"m.onnx", "m.onnx.data", "m_hierarchy.json"};

TEST(ExternalPair, KillNineLeavesNoFileWithAFinalNameAndTheNextRunCleansUp) {
  int hit = 0;
  for (const auto& [label, moment] : moments()) {
    TempDir dir;
    if (!kill_export_at(dir.file("m.onnx"), moment)) continue;
    ++hit;
    // Killed after the commit (the last step) the set is complete; else nothing is left.
    const bool committed = fs::exists(dir.file("m.onnx"));
    next_run_on(dir.file("m.onnx"));
    for (const auto& f : kPair) EXPECT_EQ(fs::exists(dir.file(f)), committed) << f << " after a kill at: " << label;
    EXPECT_TRUE(temporaries(dir.path().string()).empty()) << "after a kill at: " << label;
    auto again = run(export_command(dir.file("m.onnx")));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_TRUE(temporaries(dir.path().string()).empty()) << "after a kill at: " << label;
    EXPECT_EQ(fs::file_size(dir.file("m.onnx.data")), fs::file_size(complete() + ".data"));
  }
  EXPECT_GE(hit, 3) << "the export ended before most kill moments came";
}

TEST(ExternalPair, KillNineOverAnExistingPairLeavesItAsItWas) {
  TempDir dir;
  auto first = run(export_command(dir.file("m.onnx")));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Inode, size and modification time: a file renamed over it or written into shows.
  auto identity = [&](const std::string& f) {
    struct stat st {};
    ::stat(dir.file(f).c_str(), &st);
    return std::to_string(st.st_ino) + "/" + std::to_string(st.st_size) + "/" + std::to_string(st.st_mtim.tv_sec) +
           "." + std::to_string(st.st_mtim.tv_nsec);
  };
  std::map<std::string, std::string> before;
  for (const auto& f : kPair) before[f] = identity(f);
  int hit = 0;
  for (const auto& [label, moment] : moments()) {
    if (!kill_export_at(dir.file("m.onnx"), moment)) continue;
    ++hit;
    // Killed after the commit the set is replaced whole; else kept whole.
    const bool committed = identity("m.onnx") != before["m.onnx"];
    next_run_on(dir.file("m.onnx"));
    for (const auto& f : kPair)
      EXPECT_EQ(identity(f) != before[f], committed) << f << " after a kill at: " << label;
    if (committed)
      for (const auto& f : kPair) before[f] = identity(f);
    EXPECT_TRUE(temporaries(dir.path().string()).empty()) << "after a kill at: " << label;
  }
  EXPECT_GE(hit, 3);
  auto validate = run(quote(modelexport_bin()) + " tags " + quote(dir.file("m.onnx")) + " validate");
  EXPECT_EQ(validate.exit_code, 0) << validate.out;
}

// Under script(1), stderr is a terminal.
TEST(ExportProgress, ALongExportShowsItsPhaseOnATerminalOnly) {
  TempDir dir;
  // The line appears at once (not after 2 s), so that a fast machine shows it too.
  const std::string command = "MODELEXPORT_PROGRESS_AFTER=0 " + export_command(dir.file("m.onnx"));
  auto on_tty = run("script -qefc " + quote(command) + " /dev/null");
  ASSERT_EQ(on_tty.exit_code, 0) << on_tty.out;
  EXPECT_NE(on_tty.out.find("\r\033[Kmodelexport: "), std::string::npos) << on_tty.out;
  EXPECT_NE(on_tty.out.find("modelexport: write "), std::string::npos) << on_tty.out;
  EXPECT_NE(on_tty.out.find(" GiB ..."), std::string::npos) << on_tty.out;
  auto quiet = run("script -qefc " + quote(command + " --quiet") + " /dev/null");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.out;
  EXPECT_EQ(quiet.out.find("\033[K"), std::string::npos) << quiet.out;
  auto piped = run(command);
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find("\033[K"), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace mx::test
