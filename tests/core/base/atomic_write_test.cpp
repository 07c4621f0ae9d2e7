// Outputs appear whole or not at all.
#include "base/atomic_write.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "base/error.h"
#include "support/test_env.h"
#include "base/temp_file.h"

namespace mx {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

TEST(AtomicWrite, WritesEveryFile) {
  TempDir dir;
  write_files_atomically({{dir.file("a.onnx"), "AAA"}, {dir.file("a.json"), "{}"}});
  EXPECT_EQ(test::read_file(dir.file("a.onnx")), "AAA");
  EXPECT_EQ(test::read_file(dir.file("a.json")), "{}");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"a.json", "a.onnx"}));
}

TEST(AtomicWrite, OneUnwritableFileLeavesNoFileAtAll) {
  TempDir dir;
  EXPECT_THROW(write_files_atomically({{dir.file("a.onnx"), "AAA"}, {dir.file("no/such/a.json"), "{}"}}), Error);
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicWrite, ReplacesAnOldFileOnlyWhenDone) {
  TempDir dir;
  std::ofstream(dir.file("a.onnx")) << "old";
  EXPECT_THROW(write_files_atomically({{dir.file("a.onnx"), "new"}, {dir.file("x/a.json"), "{}"}}), Error);
  EXPECT_EQ(test::read_file(dir.file("a.onnx")), "old");
}

TEST(CheckWritable, NamesThePathAndTheReason) {
  TempDir dir;
  try {
    check_writable(dir.file("missing/out.onnx"));
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write '" + dir.file("missing/out.onnx") + "': folder '" +
                                         dir.file("missing") + "' does not exist");
  }
  EXPECT_THROW(check_writable(dir.path().string()), Error);
  EXPECT_NO_THROW(check_writable(dir.file("ok.onnx")));
  EXPECT_TRUE(dir.entries().empty());
}

// What check_writable says about `path` (with `inputs`); "" if it accepts it.
std::string refusal(const std::string& path, const std::vector<std::string>& inputs = {}) {
  try {
    check_writable(path, inputs);
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

TEST(CheckWritable, RefusesAnOutputThatIsAnInputAlsoThroughALink) {
  TempDir dir;
  std::ofstream(dir.file("m.pt")) << "model";
  fs::create_symlink(dir.file("m.pt"), dir.file("link.onnx"));
  EXPECT_EQ(refusal(dir.file("m.pt"), {dir.file("m.pt")}),
            "cannot write '" + dir.file("m.pt") + "': it is the command's input (an input is never overwritten)");
  EXPECT_NE(refusal(dir.file("link.onnx"), {dir.file("m.pt")}).find("it is the command's input '" + dir.file("m.pt")),
            std::string::npos);
  EXPECT_EQ(refusal(dir.file("other.onnx"), {dir.file("m.pt")}), "");
  EXPECT_EQ(test::read_file(dir.file("m.pt")), "model");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"link.onnx", "m.pt"}));
}

TEST(CheckWritable, RefusesDevicesAndFifosWithoutOpeningThem) {
  TempDir dir;
  ASSERT_EQ(::mkfifo(dir.file("fifo.onnx").c_str(), 0600), 0);
  // Opening a FIFO for writing would block: a refusal that returns proves it was not opened.
  EXPECT_EQ(refusal(dir.file("fifo.onnx")),
            "cannot write '" + dir.file("fifo.onnx") + "': it exists and is a FIFO (only a regular file is replaced)");
  EXPECT_NE(refusal("/dev/null").find("'/dev/null': it exists and is a character device"), std::string::npos);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"fifo.onnx"});
}

TEST(CheckWritable, AcceptsALongLegalNameAndRefusesAnIllegalOneByItsLength) {
  TempDir dir;
  EXPECT_EQ(refusal(dir.file(std::string(245, 'a') + ".onnx")), "");
  EXPECT_NE(refusal(dir.file(std::string(256, 'a'))).find("256 bytes long, more than the 255"), std::string::npos);
  std::string long_name = dir.file(std::string(245, 'b') + ".onnx");
  write_files_atomically({{long_name, "x"}});
  EXPECT_EQ(test::read_file(long_name), "x");
  EXPECT_EQ(dir.entries().size(), 1u);
}

// The reviewer's attack: links planted where the old code put its temporaries and probe
// (OUT.tmp-PID, for the next PIDs) truncated the file they point to.
TEST(AtomicWrite, LinksPlantedAtTemporaryNamesAreNeverFollowed) {
  TempDir dir, elsewhere;
  std::string victim = elsewhere.file("precious.txt");
  std::ofstream(victim) << "keep me";
  for (int pid = ::getpid(); pid < ::getpid() + 4; ++pid)
    fs::create_symlink(victim, dir.file("out.onnx.tmp-" + std::to_string(pid)));
  fs::create_symlink(victim, dir.file("out_hierarchy.json"));  // the output itself is a link
  check_writable(dir.file("out.onnx"));
  write_files_atomically({{dir.file("out.onnx"), "onnx"}, {dir.file("out_hierarchy.json"), "{}"}});
  EXPECT_EQ(test::read_file(victim), "keep me");
  EXPECT_FALSE(fs::is_symlink(dir.file("out_hierarchy.json")));  // the link was replaced, not followed
  EXPECT_EQ(test::read_file(dir.file("out.onnx")), "onnx");
  EXPECT_EQ(dir.entries().size(), 6u);  // 4 planted links + 2 outputs: no temporary left
}

TEST(TempFile, NamesAreFreshAndUnpredictable) {
  TempDir dir;
  TempFile a(dir.file("out.onnx")), b(dir.file("out.onnx"));
  EXPECT_NE(a.path(), b.path());
  EXPECT_NE(a.path().find(".out.onnx.mx-tmp-" + std::to_string(::getpid()) + "-"), std::string::npos) << a.path();
  struct stat st {};
  ASSERT_EQ(::lstat(a.path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_size, 0);
}

// Model first (the commit point), sidecar second: a failed rename of either leaves the
// old pair exactly as it was.
TEST(AtomicWrite, PairIsAllOrNothingWhenTheSidecarCannotBeReplaced) {
  TempDir dir;
  std::ofstream(dir.file("m.onnx")) << "old model";
  fs::create_directory(dir.file("m_hierarchy.json"));  // rename over a non-empty folder fails
  std::ofstream(dir.file("m_hierarchy.json/x")) << "";
  EXPECT_THROW(write_files_atomically({{dir.file("m.onnx"), "new model"}, {dir.file("m_hierarchy.json"), "{}"}}),
               Error);
  EXPECT_EQ(test::read_file(dir.file("m.onnx")), "old model");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"m.onnx", "m_hierarchy.json"}));
}

TEST(AtomicWrite, PairIsAllOrNothingWhenTheModelCannotBeReplaced) {
  TempDir dir;
  fs::create_directory(dir.file("m.onnx"));
  std::ofstream(dir.file("m.onnx/x")) << "";
  std::ofstream(dir.file("m_hierarchy.json")) << "old sidecar";
  try {
    write_files_atomically({{dir.file("m.onnx"), "new model"}, {dir.file("m_hierarchy.json"), "new sidecar"}});
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("cannot write '" + dir.file("m.onnx") + "': ", 0), 0u) << e.what();
  }
  EXPECT_EQ(test::read_file(dir.file("m_hierarchy.json")), "old sidecar");  // restored
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"m.onnx", "m_hierarchy.json"}));

  fs::remove(dir.file("m_hierarchy.json"));  // no old sidecar: the new one goes again
  EXPECT_THROW(write_files_atomically({{dir.file("m.onnx"), "new model"}, {dir.file("m_hierarchy.json"), "{}"}}),
               Error);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"m.onnx"});
}

TEST(AtomicWrite, TheSameOutputTwiceIsRefused) {
  TempDir dir;
  EXPECT_THROW(write_files_atomically({{dir.file("a.onnx"), "1"}, {dir.file("./a.onnx"), "2"}}), Error);
  EXPECT_TRUE(dir.entries().empty());
}

// A write that is cut by `sig` (sent by the writer itself, mid-file) leaves no file.
void expect_signal_leaves_nothing(int sig) {
  TempDir dir;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    write_outputs_atomically({{dir.file("out.onnx"), [&](std::ostream& out) {
                                 out << std::string(1 << 20, 'x') << std::flush;
                                 ::kill(::getpid(), sig);
                                 out << "never";
                               }}});
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << status;
  EXPECT_TRUE(dir.entries().empty()) << dir.entries().front();
}

TEST(AtomicWrite, SigintDuringTheWriteRemovesTheTemporary) { expect_signal_leaves_nothing(SIGINT); }
TEST(AtomicWrite, SigtermDuringTheWriteRemovesTheTemporary) { expect_signal_leaves_nothing(SIGTERM); }

// What SIGKILL leaves (a temporary of a process that is gone) the next run removes; a live
// process's temporary, a link, and other files stay.
TEST(AtomicWrite, NextRunRemovesStaleTemporariesOfDeadProcesses) {
  TempDir dir;
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string stale = ".out.onnx.mx-tmp-" + std::to_string(dead) + "-abc123";
  const std::string live = ".out.onnx.mx-tmp-" + std::to_string(::getppid()) + "-abc123";
  const std::string link = ".out.onnx.mx-tmp-" + std::to_string(dead) + "-lnk123";
  std::ofstream(dir.file(stale)) << std::string(1000, 'x');
  std::ofstream(dir.file(live)) << "x";
  std::ofstream(dir.file("other.txt")) << "x";
  fs::create_symlink(dir.file("other.txt"), dir.file(link));
  write_files_atomically({{dir.file("out.onnx"), "new"}});
  std::vector<std::string> expected{link, live, "other.txt", "out.onnx"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(dir.entries(), expected);
}

}  // namespace
}  // namespace mx
