// The code checks beside the load (CodeChecks): the reader's gate refuses the bytes of a code
// record LibTorch would crash on, whichever thread checked it, and lets the rest through;
// finish() names the record as check_model_code does.
#include "torch/code_checks.h"

#include <gtest/gtest.h>

#include <functional>

#include "base/error.h"
#include "base/torch_archive.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

// DIR/KIND.pt made by tests/support/hostile_files.py.
std::string make(const TempDir& dir, const std::string& kind) {
  std::string out = dir.file(kind + ".pt");
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/support/hostile_files.py") + " " + kind + " " +
               quote(out));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

const ZipRecord& record(const ArchiveContents& contents, const std::string& name) {
  auto at = contents.directory.find(name);
  if (at == contents.directory.end()) throw Error("no record " + name);
  return at->second;
}

TEST(CodeChecks, TheGateRefusesTheBytesOfCodeLibTorchWouldCrashOn) {
  TempDir dir;
  const std::string path = make(dir, "code_untyped_constant");
  const ArchiveContents contents = read_archive_contents(path);
  const auto& code = record(contents, "code_untyped_constant/code/__torch__.py");
  const auto& data = record(contents, "code_untyped_constant/data.pkl");
  CodeChecks checks(path, contents);
  auto gate = checks.gate();
  EXPECT_FALSE(gate(code.data_offset, code.stored_size));
  EXPECT_FALSE(gate(code.data_offset + code.stored_size - 1, 1));  // its last byte alone
  EXPECT_FALSE(gate(0, code.data_offset + 1));                      // a read that ends on its first byte
  EXPECT_TRUE(gate(data.data_offset, data.stored_size));
  EXPECT_TRUE(gate(code.data_offset + code.stored_size, 1));  // the byte after it
  try {
    checks.finish();
    ADD_FAILURE() << "finish() did not throw";
  } catch (const Error& e) {
    const std::string said = e.what(), head = "model file '" + path + "' is damaged: its code 'code_untyped_constant/"
                                                 "code/__torch__.py', line 5: class 'Relu' sets the constant 'answer' "
                                                 "without its type (NAME : Final[TYPE] = VALUE); LibTorch ";
    EXPECT_EQ(said.substr(0, head.size()), head) << said;
    EXPECT_EQ(said.substr(said.size() - 25), " would crash importing it") << said;
  }
  EXPECT_FALSE(gate(code.data_offset, 1));  // after finish(), and after the checks are gone
}

TEST(CodeChecks, TheGateLetsSoundCodeThrough) {
  TempDir dir;
  const std::string path = make(dir, "list_arg");  // a sound scripted module
  const ArchiveContents contents = read_archive_contents(path);
  std::function<bool(uint64_t, size_t)> gate;
  {
    CodeChecks checks(path, contents);
    gate = checks.gate();
    const auto& code = record(contents, "list_arg/code/__torch__.py");
    EXPECT_TRUE(gate(code.data_offset, code.stored_size));
    EXPECT_NO_THROW(checks.finish());
  }
  EXPECT_TRUE(gate(0, 1 << 20));  // the whole head of the file, once the checks are gone
  EXPECT_EQ(debug_info_problem(path), "");
}

TEST(CodeChecks, DamagedDebugInformationIsKnownBeforeTheLoad) {
  TempDir dir;
  const std::string path = make(dir, "damaged_debug_info");
  const ArchiveContents contents = read_archive_contents(path);
  CodeChecks checks(path, contents);  // a problem LibTorch reports, not one it crashes on: no throw
  EXPECT_NE(debug_info_problem(path).find("the debug information of its code"), std::string::npos)
      << debug_info_problem(path);
  EXPECT_NO_THROW(checks.finish());
}

}  // namespace
}  // namespace mx::test
