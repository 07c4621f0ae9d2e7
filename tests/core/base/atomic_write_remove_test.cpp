// A set of outputs may remove a file (a stale OUT.onnx.data beside a model now written
// inline): it is gone when the set commits and back when the set fails or is killed first.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "base/atomic_write.h"
#include "base/error.h"
#include "support/test_env.h"

namespace mx {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

OutputFile text(const std::string& path, const std::string& contents) {
  return {path, [contents](std::ostream& out) { out << contents; }};
}
OutputFile removal(const std::string& path) { return OutputFile::removal(path); }

TEST(AtomicRemove, ACommittedSetRemovesTheStaleFile) {
  TempDir dir;
  std::ofstream(dir.file("m.onnx")) << "old model";
  std::ofstream(dir.file("m.onnx.data")) << "old data";
  write_outputs_atomically({text(dir.file("m.onnx"), "new model"), removal(dir.file("m.onnx.data")),
                            text(dir.file("m_hierarchy.json"), "{}")});
  EXPECT_EQ(test::read_file(dir.file("m.onnx")), "new model");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"m.onnx", "m_hierarchy.json"}));  // no backup left either
}

TEST(AtomicRemove, NothingToRemoveIsNoError) {
  TempDir dir;
  write_outputs_atomically({text(dir.file("m.onnx"), "new model"), removal(dir.file("m.onnx.data"))});
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"m.onnx"});
}

TEST(AtomicRemove, AFailedSetPutsTheStaleFileBack) {
  TempDir dir;
  std::ofstream(dir.file("m.onnx")) << "old model";
  std::ofstream(dir.file("m.onnx.data")) << "old data";
  fs::create_directory(dir.file("m_hierarchy.json"));  // renaming over a non-empty folder fails
  std::ofstream(dir.file("m_hierarchy.json/x")) << "";
  EXPECT_THROW(write_outputs_atomically({text(dir.file("m.onnx"), "new model"), removal(dir.file("m.onnx.data")),
                                         text(dir.file("m_hierarchy.json"), "{}")}),
               Error);
  EXPECT_EQ(test::read_file(dir.file("m.onnx")), "old model");
  EXPECT_EQ(test::read_file(dir.file("m.onnx.data")), "old data");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"m.onnx", "m.onnx.data", "m_hierarchy.json"}));
}

// What SIGKILL between the removal and the commit leaves, made by hand for a dead process:
// the old data file only as the kept link, the model's temporary, the journal (inode 0: the
// set put no file there). The next run's check puts the old data file back.
TEST(AtomicRemove, NextRunUndoesASetKilledBetweenTheRemovalAndTheCommit) {
  TempDir dir;
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string pid = std::to_string(dead);
  std::ofstream(dir.file("m.onnx")) << "old model";
  const std::string backup = dir.file(".m.onnx.data.mx-tmp-" + pid + "-bak123");
  std::ofstream(backup) << "old data";
  const std::string model_temp = dir.file(".m.onnx.mx-tmp-" + pid + "-mod123");
  std::ofstream(model_temp) << "new model";
  std::ofstream(dir.file(".m.onnx.mx-journal.mx-tmp-" + pid + "-jrn123"))
      << model_temp << "\n" << dir.file("m.onnx.data") << "\t" << backup << "\t0\n";
  check_writable(dir.file("m.onnx"));
  EXPECT_EQ(test::read_file(dir.file("m.onnx")), "old model");
  EXPECT_EQ(test::read_file(dir.file("m.onnx.data")), "old data");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"m.onnx", "m.onnx.data"}));
}

}  // namespace
}  // namespace mx
