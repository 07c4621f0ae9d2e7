// Hostile and damaged inputs made at test time (tests/support/hostile_files.py, FIFOs,
// folders, numbers out of range): each gives one error line naming the file or flag and the
// reason, exit 1, no output, the inputs unchanged; none crashes, hangs or prints a backtrace.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <tuple>

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

// A scripted loop that never ends grew the trace by about 400 MB a second until the kernel's
// OOM killer ended it (and other processes with it); the trace now stops at --max-ops.
// The default limit's 10^6 ops need about 0.8 GB; should the limit ever be lost, the 6 GB of
// address space given here make the export fail fast instead of filling the machine's memory.
// (A sanitizer's shadow memory needs terabytes of address space: no limit there.)
#if defined(__SANITIZE_ADDRESS__)
#define MX_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MX_TEST_SANITIZED 1
#endif
#endif
#ifdef MX_TEST_SANITIZED
constexpr const char* kMemoryLimit = "";
#else
constexpr const char* kMemoryLimit = "ulimit -v 6000000; ";
#endif

TEST_F(HostileInputs, ALoopThatNeverEndsStopsAtTheOpLimitNamingTheLoop) {
  std::string endless = make("endless_loop");
  auto before = snapshot(dir);
  auto r = run(std::string(kMemoryLimit) + "timeout -s KILL 120 " + quote(modelexport_bin()) + " export " +
               quote(endless) + " " + quote(dir.file("out.onnx")) + " --input x:float32:2" + plugins());
  expect_one_error(r, "model '" + endless +
                          "': the trace ran more than 1000000 TorchScript ops and was stopped in the while loop at ");
  expect_one_error(r, "in module '<root>' (EndlessLoop): a loop that does not end on this input? Give --max-ops N");
  EXPECT_EQ(snapshot(dir), before);
}

// With the limit lifted, the same loop runs out of the 3 GB given: one line in words, not the
// exception's name (std::bad_alloc), and nothing written.
TEST_F(HostileInputs, RunningOutOfMemoryIsOneLineInWords) {
  if (std::string(kMemoryLimit).empty()) GTEST_SKIP() << "no address-space limit under a sanitizer";
  std::string endless = make("endless_loop");
  auto before = snapshot(dir);
  auto r = run("ulimit -v 3000000; timeout -s KILL 120 " + quote(modelexport_bin()) + " export " + quote(endless) + " " +
               quote(dir.file("out.onnx")) + " --input x:float32:2 --max-ops 0" + plugins());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find("bad_alloc"), std::string::npos) << r.err;
  // Our own containers fail with std::bad_alloc, LibTorch's allocator with its own error.
  bool ours = r.err.find("modelexport: error: 'export' ran out of memory: the process could not allocate more") == 0;
  bool torchs = r.err.find("failed: DefaultCPUAllocator: can't allocate memory") != std::string::npos;
  EXPECT_TRUE(ours || torchs) << r.err;
  EXPECT_EQ(snapshot(dir), before);
}

TEST_F(HostileInputs, MaxOpsBoundsEveryTracingCommandAndZeroLiftsIt) {
  std::string loop = make("long_loop");
  const std::string says = "the trace ran more than 1000 TorchScript ops and was stopped in the for loop at ";
  expect_export_refused(loop, "--input x:float32:2 --max-ops 1000", says);
  expect_export_refused(loop, "--input x:float32:2 --max-ops -1", "--max-ops must be 0 (no limit) or a number of ops, got -1");
  auto before = snapshot(dir);
  expect_one_error(modelexport("compare " + quote(loop) + " --strategies htp,usage_based --input x:float32:2 --max-ops 1000" +
                               plugins()),
                   says);
  EXPECT_EQ(snapshot(dir), before);
  // 3000 trips run under the default limit and with none; the file then tags under one.
  for (const char* limit : {"", " --max-ops 0"}) {
    auto r = modelexport("export " + quote(loop) + " " + quote(dir.file("ok.onnx")) + " --input x:float32:2" + limit + plugins());
    ASSERT_EQ(r.exit_code, 0) << limit << r.err;
  }
  before = snapshot(dir);
  expect_one_error(modelexport("tag " + quote(dir.file("ok.onnx")) + " --model " + quote(loop) + " -o " +
                               quote(dir.file("tagged.onnx")) + " --max-ops 1000" + plugins()),
                   says);
  EXPECT_EQ(snapshot(dir), before);
}

// Found by a model-file fuzzer: LibTorch reads a code file's .debug_pkl only when it first names
// a place in the code (an if's line, an error's context): its unpickler's error had reached the
// user bare, or ended the process (thrown inside ErrorReport::what(), which is noexcept), and it
// reads a line index into the pickle's string table unchecked. Each is now read when the file is
// loaded, and what is wrong is reported where LibTorch would read it
// (the third, a line index that is a string, is the fuzzer's find in that new reading).
// The fourth's code also does not compile, in a function LibTorch compiles while it loads a
// class: its compiler formats that error itself (ErrorReport::what(), noexcept), which read the
// damaged information and ended the process; LibTorch is now kept from finding it.
TEST_F(HostileInputs, DamagedDebugInformationNamesTheFile) {
  for (const auto& [kind, says] : std::vector<std::pair<std::string, std::string>>{
           {"damaged_debug_info", "Unpickler found unknown type tprch.jit._pickle"},
           {"damaged_debug_info_and_code", "Unpickler found unknown type tprch.jit._pickle"},
           {"debug_info_index_past_table", "a source's line index 99 is past its string table"},
           {"debug_info_index_not_int", "a source's line index is not an int"}}) {
    SCOPED_TRACE(kind);
    std::string model = make(kind);
    expect_export_refused(model, "--input x:float32:2x3",
                          "model file '" + model + "' is damaged: the debug information of its code, '" + kind +
                              "/code/__torch__.py.debug_pkl', cannot be read: " + says);
  }
}

// Found by the model-file fuzzer: LibTorch 1.13's importer reads a class constant's type, the
// value of __parameters__ and the like, a listed hook's def, ... without checking they are
// there, and crashed (SIGSEGV) on a file that left one out. Each is refused before it runs.
TEST_F(HostileInputs, ClassCodeMissingWhatLibTorchReadsIsRefusedBeforeItCrashes) {
  const std::vector<std::tuple<std::string, int, std::string>> cases{
      {"code_untyped_constant", 5, "class 'Relu' sets the constant 'answer' without its type (NAME : Final[TYPE] = VALUE)"},
      {"code_parameters_without_value", 2, "class 'Relu' declares '__parameters__' without its list of names"},
      {"code_buffers_without_value", 3, "class 'Relu' declares '__buffers__' without its list of names"},
      {"code_hooks_without_value", 4, "class 'Relu' declares '__forward_hooks__' without its list of names"},
      {"code_pre_hooks_without_value", 4, "class 'Relu' declares '__forward_pre_hooks__' without its list of names"},
      {"code_hook_never_defined", 4, "class 'Relu' lists the hook 'hook' but defines no method of that name after the list"},
      {"code_pre_hook_never_defined", 4, "class 'Relu' lists the hook 'hook' but defines no method of that name"},
      {"code_subscript_without_value", 5, "class 'Relu' declares an attribute by subscript without the type to give it"},
      {"code_interface_method_without_self", 2, "interface 'I' declares the method 'f' without self"},
      {"code_named_tuple_field_without_type", 2, "NamedTuple 'T' has a field without its type"},
      {"code_enum_member_without_value", 2, "Enum 'E' has a member without its value"},
  };
  for (const auto& [kind, line, says] : cases) {
    SCOPED_TRACE(kind);
    std::string model = make(kind);
    expect_export_refused(model, "--input x:float32:2x3",
                          "model file '" + model + "' is damaged: its code '" + kind + "/code/__torch__.py', line " +
                              std::to_string(line) + ": " + says);
  }
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
