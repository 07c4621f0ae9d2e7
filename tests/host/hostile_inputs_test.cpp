// Hostile and damaged inputs made at test time (tests/support/hostile_files.py, FIFOs,
// folders, numbers out of range): each gives one error line naming the file or flag and the
// reason, exit 1, no output, the inputs unchanged; none crashes, hangs or prints a backtrace.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/hostile.h"
#include "support/plugin_folder.h"

namespace mx::test {
namespace {

std::string plugins() { return " --plugin-dir " + quote(plugin_build_dir()); }

class HostileInputs : public ::testing::Test {
 protected:
  // DIR/KIND.pt made by hostile_files.py.
  std::string make(const std::string& kind) {
    std::string out = dir.file(kind + ".pt");
    auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/support/hostile_files.py") + " " + kind + " " +
                 quote(out));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
  std::string mlp() {
    std::string out = dir.file("mlp.pt");
    if (!fs::exists(out)) fs::copy_file(fixture_model("mlp"), out);
    return out;
  }
  // `export MODEL OUT.onnx EXTRA`: one error saying `says`, the folder unchanged.
  void expect_export_refused(const std::string& model, const std::string& extra, const std::string& says) {
    auto before = snapshot(dir);
    expect_one_error(modelexport("export " + quote(model) + " " + quote(dir.file("out.onnx")) + " " + extra + plugins(), 60),
                     says);
    EXPECT_EQ(snapshot(dir), before);
  }
  TempDir dir;
};

TEST_F(HostileInputs, TensorViewLargerThanItsStorage) {
  std::string model = make("view_over_storage");
  expect_export_refused(model, "--input x:float32:2",
                        "is damaged: tensor 'w' (100000x1000 Float, offset 0) reaches 400000000 bytes into a "
                        "storage of 364 bytes");
}

TEST_F(HostileInputs, DataRecordCutShort) {
  std::string model = make("truncated_record");
  expect_export_refused(model, "--input x:float32:2", "storage claims 4000 bytes, but no data record");
}

TEST_F(HostileInputs, InputFileTensorsAreCheckedTheSameWay) {
  std::string view = make("input_view_over_storage"), cut = make("input_truncated_record");
  expect_export_refused(mlp(), "--input-file " + quote(view), "item 0 (100000x1000 Float, offset 0) reaches 400000000");
  expect_export_refused(mlp(), "--input-file " + quote(cut), "storage claims 4000 bytes, but no data record");
}

// LibTorch's unpickler allocates a claimed string length (here 4 GB, in a 1 KB file) or grows
// its memo table to a claimed index before it reads; both are refused before it runs.
TEST_F(HostileInputs, PickleLengthsAndMemoIndicesAreCheckedBeforeLibTorchReadsThem) {
  std::string model = make("pickle_length");
  expect_export_refused(model, "--input x:float32:2",
                        "'" + model + "' is damaged: its pickle 'pickle_length/data.pkl' claims 4294901767 bytes for "
                        "opcode 0x58, but only ");
  std::string length = make("input_pickle_length"), memo = make("input_pickle_memo");
  expect_export_refused(mlp(), "--input-file " + quote(length),
                        "its pickle 'input_pickle_length/data.pkl' claims 4294901767 bytes for opcode 0x58");
  expect_export_refused(mlp(), "--input-file " + quote(memo),
                        "its pickle 'input_pickle_memo/data.pkl' stores memo entry 2147483648 (opcode 0x72) when "
                        "only 0 exist");
}

TEST_F(HostileInputs, ModelCodeProblemsNameTheModelAndWhat) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"unknown_op", "calls aten::no_such_op, which LibTorch 1.13.0 does not have: the file was written by a newer PyTorch"},
      {"raises", "forward raised an exception in module '<root>': builtins.RuntimeError: deliberate failure in forward"},
      {"list_arg", "forward's argument 'xs' is List[Tensor]; give it with one --input per item, xs.0:DTYPE:DIMS"},
      {"dict_arg", "forward's argument 'xs' is Dict[str, Tensor]; give it with one --input per item, xs.KEY:DTYPE:DIMS"},
      {"returns_none", "forward's output 0 is None; modelexport exports tensor outputs"},
      {"returns_str", "forward's output 0 is a string"},
      {"returns_int", "forward's output 0 is an int"},
  };
  for (const auto& [kind, says] : cases) {
    SCOPED_TRACE(kind);
    std::string model = make(kind);
    const std::string who = kind == "unknown_op" ? "model file '" + model + "' " : "model '" + model + "': ";
    expect_export_refused(model, "--input x:float32:2x3", who + says);
  }
}

TEST_F(HostileInputs, NonRegularFilesAreRefusedByTypeWithoutBlocking) {
  std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  fs::create_directory(dir.file("folder"));
  // Each would block forever (or read a folder) if opened: the timeout turns a hang into a failure.
  expect_export_refused(mlp(), "--input-file " + quote(fifo), "input file '" + fifo + "' is a FIFO, not a regular file");
  expect_export_refused(mlp(), "--input-file " + quote(dir.file("folder")), "input file '" + dir.file("folder") +
                                                                               "' is a folder, not a file");
  expect_export_refused(fifo, "--input x:float32:2x16", "model file '" + fifo + "' is a FIFO, not a regular file");
  auto before = snapshot(dir);
  expect_one_error(modelexport("tags " + quote(fifo), 20), "ONNX file '" + fifo + "' is a FIFO, not a regular file");
  ASSERT_EQ(modelexport("export " + quote(mlp()) + " " + quote(dir.file("m.onnx")) + " --input x:float32:2x16" + plugins())
                .exit_code,
            0);
  before = snapshot(dir);
  expect_one_error(modelexport("tags " + quote(dir.file("m.onnx")) + " --sidecar " + quote(fifo), 20),
                   "sidecar '" + fifo + "' is a FIFO, not a regular file");
  expect_one_error(modelexport("extract " + quote(dir.file("m.onnx")) + " --module encoder --sidecar " + quote(fifo) +
                                   " -o " + quote(dir.file("e.onnx")),
                               20),
                   "sidecar '" + fifo + "' is a FIFO");
  EXPECT_EQ(snapshot(dir), before);
}

// A sidecar's parent index is followed by extract: out of range, it crashed; pointing at a
// module that does not contain it, extract silently cut part of a module.
TEST_F(HostileInputs, SidecarParentsOutOfRangeOrElsewhere) {
  ASSERT_EQ(modelexport("export " + quote(mlp()) + " " + quote(dir.file("m.onnx")) + " --input x:float32:2x16" + plugins())
                .exit_code,
            0);
  const std::string original = read_file(dir.file("m_hierarchy.json"));
  // (module, parent): negative, past the end, and encoder.blocks.1.layers.0 put under
  // encoder.blocks.0.layers (in range, but extract --module encoder.blocks.1 would miss it).
  for (auto [module, parent] : {std::pair{2, -5}, {2, 99999}, {11, 4}}) {
    SCOPED_TRACE(module);
    std::string json = original;
    size_t at = 0;
    for (int m = 0; m <= module; ++m) at = json.find("\"parent\": ", at) + 10;
    json.replace(at, json.find(',', at) - at, std::to_string(parent));
    std::ofstream(dir.file("m_hierarchy.json"), std::ios::trunc) << json;
    auto before = snapshot(dir);
    expect_one_error(modelexport("extract " + quote(dir.file("m.onnx")) + " --module encoder.blocks.1 -o " +
                                 quote(dir.file("e.onnx"))),
                     "sidecar '" + dir.file("m_hierarchy.json") + "': module " + std::to_string(module) + " (");
    EXPECT_EQ(snapshot(dir), before);
  }
}

TEST_F(HostileInputs, NumbersOutOfRangeNameTheFlagAndValue) {
  expect_export_refused(mlp(), "--input x:float32:2x99999999999999999999", "dimension '99999999999999999999' is too large");
  expect_export_refused(mlp(), "--input x:int64:2:0..99999999999999999999", "range '0..99999999999999999999'");
  expect_export_refused(mlp(), "--input x:float32:2x16 --dynamic x:99999999999999999999",
                        "bad --dynamic 'x:99999999999999999999': axis '99999999999999999999' is out of range");
}

TEST_F(HostileInputs, SizesThatCannotBeAllocatedAreOneLineWithTheBytes) {
  expect_export_refused(mlp(), "--input x:float32:100000x100000x12", "input 'x' needs 480000000000 bytes (447.0 GiB)");
  expect_export_refused(mlp(), "--input x:float32:4294967296x4294967296", "would need more than 2^64 bytes");
  expect_export_refused(mlp(), "--input x:int64:2x16:-9223372036854775808..9223372036854775807",
                        "has more values than an int64 can count");
}

TEST_F(HostileInputs, ManifestWithAHugeAbiNumberIsReportedAndSkipped) {
  TempDir plugin_dir;
  copy_shipped_plugin(plugin_dir.path(), "htp");
  std::ofstream(plugin_dir.file("huge.yaml")) << "name: huge\nabi: \"99999999999999999999.0\"\n";
  std::ofstream(plugin_dir.file("huge.so")) << "";
  auto r = run("env -u MODELEXPORT_PLUGIN_PATH " + quote(modelexport_bin()) + " export " + quote(mlp()) + " " +
               quote(dir.file("m.onnx")) + " --input x:float32:2x16 --strategy htp --plugin-dir " +
               quote(plugin_dir.path().string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto list = run(quote(modelexport_bin()) + " plugins --plugin-dir " + quote(plugin_dir.path().string()));
  EXPECT_NE(list.out.find("htp"), std::string::npos) << list.out;
  EXPECT_NE((list.out + list.err).find("'abi' \"99999999999999999999.0\" has a version number too large"),
            std::string::npos)
      << list.out << list.err;
}

}  // namespace
}  // namespace mx::test
