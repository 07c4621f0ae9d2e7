// TorchScript files of an older format (tests/fixtures/old_format_files.py): an export
// gives an operator the meaning LibTorch's upgraders give it for the file's version, as
// LibTorch's own forward of the same file does, whether or not the export left the
// upgraders out (core/torch/upgraders.cpp).
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "model/trace.h"
#include "model/input_spec.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

struct Exported {
  CommandResult r;
  std::string pt, onnx;
};

const std::map<std::string, std::string> kSpecs = {
    {"div_v3", "x:float32:2x5"}, {"div_v4", "x:float32:2x5"}, {"conv_v3", "x:float32:1x3x8x8"},
    {"gelu_v9", "x:float32:2x6"}, {"gelu_v10", "x:float32:2x6"}, {"no_version", "x:float32:1x3x8x8"}};

Exported exported(const std::string& name) {
  const std::string& dir = fixture_folder("old_format_files.py");
  Exported e{{}, dir + "/" + name + ".pt", dir + "/" + name + ".onnx"};
  e.r = run(quote(modelexport_bin()) + " export " + quote(e.pt) + " " + quote(e.onnx) + " --input " + kSpecs.at(name) +
            " --plugin-dir " + quote(plugin_build_dir()));
  return e;
}

// ONNX Runtime on the export against LibTorch's forward of the file (loaded in this
// process, with every upgrader), bit for bit on integers, 1e-5 relative on floats.
void expect_same_as_libtorch(const std::string& name, DType want) {
  SCOPED_TRACE(name);
  auto e = exported(name);
  ASSERT_EQ(e.r.exit_code, 0) << e.r.err;
  auto inputs = make_inputs({parse_input_spec(kSpecs.at(name))}, 5);
  auto expected = run_reference(e.pt, inputs);
  auto actual = run_onnxruntime(e.onnx, {"x"}, inputs);
  ASSERT_EQ(expected.size(), 1u);
  ASSERT_EQ(actual.size(), 1u);
  EXPECT_EQ(expected[0]->dtype, want);
  EXPECT_EQ(actual[0]->dtype, want);
  EXPECT_EQ(actual[0]->shape, expected[0]->shape);
  if (want == DType::Float) {
    EXPECT_LE(max_abs_diff(*actual[0], *expected[0]), 1e-5 * max_abs(*expected[0]));
  } else {
    ASSERT_EQ(actual[0]->nbytes, expected[0]->nbytes);
    EXPECT_EQ(std::memcmp(actual[0]->data, expected[0]->data, actual[0]->nbytes), 0);
  }
}

// div before format 4 rounded integer quotients toward zero; from 4 it divides truly.
TEST(OlderTorchFile, DivOfFormat3KeepsItsIntegerQuotients) {
  expect_same_as_libtorch("div_v3", DType::Int64);
  expect_same_as_libtorch("div_v4", DType::Float);
}

TEST(OlderTorchFile, GeluOfFormat9And10AndAnOldConvExportAsLibTorchRunsThem) {
  expect_same_as_libtorch("conv_v3", DType::Float);
  expect_same_as_libtorch("gelu_v9", DType::Float);
  expect_same_as_libtorch("gelu_v10", DType::Float);
}

TEST(OlderTorchFile, AFileWithoutAVersionRecordIsNamedInWords) {
  auto e = exported("no_version");
  EXPECT_EQ(e.r.exit_code, 1);
  EXPECT_EQ(e.r.err, "modelexport: error: model file '" + e.pt +
                         "' is not a TorchScript file that LibTorch can load: it has no 'version' record, which every "
                         "file torch.jit.save or torch.save writes has\n");
}

}  // namespace
}  // namespace mx::test
