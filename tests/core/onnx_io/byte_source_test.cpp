// Reading an ONNX file that is cut short while it is read: the reader says so (FileSource
// reads with pread), where the mapping it used before raised SIGBUS and killed the command.
#include "onnx_io/byte_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "base/error.h"
#include "onnx_io/onnx_file.h"
#include "onnx_io/weightless.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

// A model of `weights` float initializers of 64 KiB each: most of its file is weights.
std::string model_bytes(int weights) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  for (int i = 0; i < weights; ++i) {
    auto* w = g->add_initializer();
    w->set_name("w" + std::to_string(i));
    w->set_data_type(onnx::TensorProto::FLOAT);
    w->add_dims(16384);
    w->set_raw_data(std::string(65536, static_cast<char>(i)));
  }
  auto* n = g->add_node();
  n->set_op_type("Identity");
  n->add_input("w0");
  n->add_output("y");
  g->add_output()->set_name("y");
  return m.SerializeAsString();
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(FileSource, AFileCutShortAfterItWasOpenedIsAnErrorNotSigbus) {
  TempDir dir;
  const std::string path = dir.file("m.onnx"), bytes = model_bytes(64);
  write(path, bytes);
  FileSource file(path);
  ASSERT_EQ(file.size(), bytes.size());
  ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(bytes.size() / 2)), 0);
  std::string out;
  try {
    strip_weights(file, out);
    ADD_FAILURE() << "read a file cut in half as whole";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'" + path + "' got shorter while it was read (" +
                                         std::to_string(bytes.size()) + " bytes when opened"),
              std::string::npos)
        << e.what();
  }
}

TEST(FileSource, ReadsWhatItWasGivenInPiecesAsWhole) {
  TempDir dir;
  const std::string path = dir.file("m.onnx"), bytes = model_bytes(40);  // 2.5 MiB: many buffers' worth
  write(path, bytes);
  FileSource file(path);
  std::string from_file, from_memory;
  ASSERT_TRUE(strip_weights(file, from_file));
  ASSERT_TRUE(strip_weights(bytes.data(), bytes.size(), from_memory));
  EXPECT_EQ(from_file, from_memory);
  EXPECT_EQ(std::string(file.read(bytes.size() - 5, 5)), bytes.substr(bytes.size() - 5));
}

// The command-level read, while another thread cuts and rewrites the file: each read gives
// the model or one mx::Error line, and the process lives.
TEST(FileSource, ReadingWhileTheFileIsCutAndRewrittenNeverCrashes) {
  TempDir dir;
  const std::string path = dir.file("m.onnx"), bytes = model_bytes(64);
  write(path, bytes);
  std::atomic<bool> stop{false};
  std::thread cutter([&] {
    for (int i = 0; !stop; ++i) {
      if (::truncate(path.c_str(), static_cast<off_t>(i % 2 ? 100 : bytes.size() / 3)) != 0) break;
      write(path, bytes);
    }
  });
  int read_whole = 0, refused = 0;
  for (int i = 0; i < 300; ++i) {
    try {
      read_onnx_file(path, i % 2 == 0);
      ++read_whole;
    } catch (const Error& e) {
      ++refused;
      EXPECT_NE(std::string(e.what()).find("'" + path + "'"), std::string::npos) << e.what();
    }
  }
  stop = true;
  cutter.join();
  EXPECT_EQ(read_whole + refused, 300);
}

}  // namespace
}  // namespace mx::test
