// Which files need LibTorch's operator upgraders (core/torch/upgraders.h): files from
// tests/fixtures/old_format_files.py, whose div and gelu files LibTorch gives an older
// meaning when their version record is older than the operator's change.
#include "torch/upgraders.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

std::string file(const std::string& name) { return fixture_folder("old_format_files.py") + "/" + name; }

TEST(Upgraders, NeededWhereAnUpgradedOperatorIsOlderThanItsChange) {
  EXPECT_TRUE(may_need_upgraders(file("div_v3.pt")));   // div changed at 4
  EXPECT_TRUE(may_need_upgraders(file("gelu_v9.pt")));  // gelu changed at 10
}

TEST(Upgraders, NotNeededForFilesAsTorch113SavesThem) {
  EXPECT_FALSE(may_need_upgraders(file("div_v4.pt")));
  EXPECT_FALSE(may_need_upgraders(file("gelu_v10.pt")));
  // Version 3, older than every change, but calling none of the changed operators: its
  // code's `_is_full_backward_hook` is not a call of aten::full.
  EXPECT_FALSE(may_need_upgraders(file("conv_v3.pt")));
}

TEST(Upgraders, NeededWhenUnsure) {
  EXPECT_TRUE(may_need_upgraders(file("no_version.pt")));
  EXPECT_TRUE(may_need_upgraders(file("missing.pt")));
  const std::string cut = file("cut.pt");
  const std::string bytes = read_file(file("conv_v3.pt"));
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_TRUE(may_need_upgraders(cut));
  const std::string fifo = file("fifo.pt");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_TRUE(may_need_upgraders(fifo));  // without opening it: that would wait for a writer
}

// prepare_torch_load keeps what it read for the next load, only while the file is the one it
// read: a file put in its place afterwards (another inode) is read again and refused for what
// it is, not loaded on the checks of the file before it.
TEST(Upgraders, AFileReplacedAfterPrepareIsReadAgain) {
  const std::string dir = ::testing::TempDir() + "/prepare_replaced";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/model.pt";
  std::filesystem::copy_file(file("conv_v3.pt"), path, std::filesystem::copy_options::overwrite_existing);
  prepare_torch_load(path);
  {
    std::ofstream(dir + "/other.pt") << "not a model";
  }
  std::filesystem::rename(dir + "/other.pt", path);
  try {
    TorchModel m(path);
    ADD_FAILURE() << "loaded a file that is not a model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("damaged ZIP archive"), std::string::npos) << e.what();
  }
  // and the file that was prepared loads when it is back
  std::filesystem::copy_file(file("conv_v3.pt"), path, std::filesystem::copy_options::overwrite_existing);
  EXPECT_NO_THROW(TorchModel{path});
}

// Last in this file: it leaves the process's upgraders empty.
TEST(Upgraders, AProcessThatLeftThemOutRefusesAFileThatNeedsThem) {
  prepare_torch_load(file("conv_v3.pt"));
  EXPECT_NO_THROW(TorchModel{file("conv_v3.pt")});
  EXPECT_NO_THROW(TorchModel{file("gelu_v10.pt")});
  try {
    TorchModel m(file("div_v3.pt"));
    ADD_FAILURE() << "loaded without its upgrader";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model file '" + file("div_v3.pt") + "' may call an operator whose meaning"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("load it in a process of its own"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mx::test
