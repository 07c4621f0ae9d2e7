// read_onnx_file / parse_onnx_bytes: a whole model parses; each way a file can be wrong
// gives its own message naming the file.
#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "onnx_io/onnx_file.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

std::string small_model_bytes() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("onnx_file_test");
  m.add_opset_import()->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto* node = g->add_node();
  node->set_op_type("Relu");
  node->set_name("/relu/Relu");
  node->add_input("x");
  node->add_output("y");
  for (const char* name : {"x", "y"}) {
    auto* v = (std::string(name) == "x" ? g->add_input() : g->add_output());
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(1);
  }
  return m.SerializeAsString();
}

std::string error_of(const std::string& bytes) {
  try {
    parse_onnx_bytes(bytes, "m.onnx");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(OnnxFile, WholeModelParses) {
  auto m = parse_onnx_bytes(small_model_bytes(), "m.onnx");
  ASSERT_EQ(m.graph().node_size(), 1);
  EXPECT_EQ(m.graph().node(0).name(), "/relu/Relu");
}

TEST(OnnxFile, EveryTruncationInsideTheGraphIsCalledTruncated) {
  std::string bytes = small_model_bytes();
  // The graph field starts after ir_version and producer_name; cutting anywhere inside it
  // must say "truncated", never succeed and never say "not ONNX".
  size_t graph_start = bytes.find("\x3a");  // field 7, length-delimited
  ASSERT_NE(graph_start, std::string::npos);
  for (size_t cut = graph_start + 1; cut < bytes.size() - 4; ++cut) {
    std::string why = error_of(bytes.substr(0, cut));
    EXPECT_NE(why.find("'m.onnx' is a truncated ONNX file"), std::string::npos) << "cut at " << cut << ": " << why;
  }
}

TEST(OnnxFile, TextIsNotOnnx) {
  EXPECT_NE(error_of("this is not an onnx model\n").find("'m.onnx' is not an ONNX file"), std::string::npos);
}

TEST(OnnxFile, ZipArchiveIsNotOnnx) {
  // A TorchScript file starts like this.
  EXPECT_NE(error_of(std::string("PK\x03\x04\x14\x00\x00\x00", 8) + "archive/data.pkl").find("is not an ONNX file"),
            std::string::npos);
}

TEST(OnnxFile, EmptyFile) { EXPECT_NE(error_of("").find("'m.onnx' is empty"), std::string::npos); }

TEST(OnnxFile, ModelWithoutOpsetIsIncomplete) {
  onnx::ModelProto m;
  m.ParseFromString(small_model_bytes());
  m.clear_opset_import();
  EXPECT_NE(error_of(m.SerializeAsString()).find("has no opset_import"), std::string::npos);
}

TEST(OnnxFile, MissingFileAndFolder) {
  TempDir dir;
  try {
    read_onnx_file(dir.file("absent.onnx"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("absent.onnx' does not exist"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_onnx_file(dir.path().string()), Error);
}

TEST(OnnxFile, ReadsAFileFromDisk) {
  TempDir dir;
  std::ofstream(dir.file("m.onnx"), std::ios::binary) << small_model_bytes();
  EXPECT_EQ(read_onnx_file(dir.file("m.onnx")).graph().node(0).op_type(), "Relu");
}

}  // namespace
}  // namespace mx::test
