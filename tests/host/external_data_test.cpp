// ONNX external data end to end on a small LLaMA-like decoder (tests/fixtures/llama_model.py,
// 31 MB) with a 1 MiB threshold: the written pair is read by Python's onnx checker on the
// path and by ONNX Runtime (matched against LibTorch's own forward), and every command that
// reads ONNX (`tags`, `validate`, `extract`, `tag`) handles it.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "model/input_spec.h"
#include "support/external_fixture.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

const LlamaFixture& llama() { return llama_fixture("llama_small", ""); }

std::string mx_cmd(const std::string& args) { return quote(modelexport_bin()) + " " + args; }

// The fixture exported once with `args` into a shared folder.
const std::string& exported(const std::string& name, const std::string& args) {
  static TempDir dir;
  static std::map<std::string, std::string> cache;
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  std::string onnx = dir.file(name + ".onnx");
  auto r = run(mx_cmd("export " + quote(llama().pt) + " " + quote(onnx) + " --plugin-dir " +
                      quote(plugin_build_dir()) + " --input " + llama().input + " " + args));
  if (r.exit_code != 0) throw std::runtime_error("export failed: " + r.err);
  return cache.emplace(name, onnx).first->second;
}

const std::string& external() { return exported("external", "--external-data always --external-data-threshold 1M"); }

std::map<std::string, std::string> entries(const onnx::TensorProto& t) {
  std::map<std::string, std::string> kv;
  for (const auto& e : t.external_data()) kv[e.key()] = e.value();
  return kv;
}

double ort_diff(const std::string& onnx) { return ort_vs_libtorch(llama().pt, llama().input, onnx); }

TEST(ExternalExport, TensorsFromTheThresholdUpGoToOneAlignedDataFile) {
  const std::string& onnx = external();
  ASSERT_TRUE(fs::exists(onnx + ".data"));
  EXPECT_LT(fs::file_size(onnx), 256u << 10);  // the graph and the small tensors only
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(read_file(onnx)));
  uint64_t data_size = fs::file_size(onnx + ".data"), external_bytes = 0;
  int external = 0;
  for (const auto& t : m.graph().initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) {
      EXPECT_LT(t.raw_data().size(), 1u << 20) << t.name();
      continue;
    }
    ++external;
    auto kv = entries(t);
    EXPECT_EQ(kv["location"], "external.onnx.data") << t.name();
    uint64_t offset = std::stoull(kv["offset"]), length = std::stoull(kv["length"]);
    EXPECT_GE(length, 1u << 20) << t.name();
    EXPECT_EQ(offset % 65536, 0u) << t.name() << " at " << offset;
    EXPECT_LE(offset + length, data_size) << t.name();
    external_bytes += length;
  }
  EXPECT_GE(external, 10);  // q/k/v/o, gate/up/down of 2 layers, embedding, LM head
  EXPECT_GE(external_bytes * 10, data_size * 9);  // padding is a small part
}

TEST(ExternalExport, PassesPythonsOnnxCheckerOnThePath) {
  EXPECT_EQ(onnx_check_problems(external()), "");
}

TEST(ExternalExport, OnnxRuntimeMatchesLibTorch) { EXPECT_LE(ort_diff(external()), 1e-5); }

TEST(ExternalExport, AutoKeepsAModelThatFitsInline) {
  const std::string& onnx = exported("auto", "");
  EXPECT_FALSE(fs::exists(onnx + ".data"));
  EXPECT_GT(fs::file_size(onnx), 25u << 20);
}

TEST(ExternalExport, BadOptionValuesAreOneErrorLine) {
  TempDir dir;
  for (const char* bad : {"--external-data sometimes", "--external-data-threshold 1X"}) {
    auto r = run(mx_cmd("export " + quote(llama().pt) + " " + quote(dir.file("m.onnx")) + " --input " +
                        llama().input + " " + bad));
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_EQ(r.err.rfind("modelexport: error: --external-data", 0), 0u) << r.err;
    EXPECT_TRUE(dir.entries().empty());
  }
}

// The model file and sidecar copied elsewhere without the data file.
TEST(ExternalTags, ReadTheTagsWithoutTheData) {
  TempDir dir;
  fs::copy_file(external(), dir.file("external.onnx"));
  fs::copy_file(fs::path(external()).parent_path() / "external_hierarchy.json", dir.file("external_hierarchy.json"));
  auto tree = run(mx_cmd("tags " + quote(dir.file("external.onnx")) + " tree"));
  EXPECT_EQ(tree.exit_code, 0) << tree.err;
  EXPECT_NE(tree.out.find("layers.1"), std::string::npos) << tree.out;
  auto validate = run(mx_cmd("tags " + quote(dir.file("external.onnx")) + " validate"));
  EXPECT_EQ(validate.exit_code, 1);
  EXPECT_NE(validate.out.find("has external data in 'external.onnx.data', which does not exist"), std::string::npos)
      << validate.out << validate.err;
}

TEST(ExternalValidate, PassesFromAnotherFolderAndReportsATruncatedDataFile) {
  auto ok = run("cd / && " + mx_cmd("tags " + quote(fs::absolute(external()).string()) + " validate"));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  TempDir dir;
  for (const char* f : {"external.onnx", "external_hierarchy.json", "external.onnx.data"})
    fs::copy_file(fs::path(external()).parent_path() / f, dir.file(f));
  fs::resize_file(dir.file("external.onnx.data"), fs::file_size(dir.file("external.onnx.data")) - 4096);
  auto bad = run(mx_cmd("tags " + quote(dir.file("external.onnx")) + " validate"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("past the end of 'external.onnx.data'"), std::string::npos) << bad.out << bad.err;
}

double extracted_diff(const std::string& onnx_path) {
  return extracted_vs_libtorch(llama().pt, llama().input, onnx_path);
}

TEST(ExternalExtract, AModuleGetsItsOwnDataFileAndRunsLikeLibTorch) {
  TempDir dir;
  auto r = run(mx_cmd("extract " + quote(external()) + " --module model.layers.1 -o " + quote(dir.file("l1.onnx")) +
                      " --external-data always --external-data-threshold 1M"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir.file("l1.onnx.data")));
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(read_file(dir.file("l1.onnx"))));
  int external = 0;
  for (const auto& t : m.graph().initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL) {
      ++external;
      EXPECT_EQ(entries(t)["location"], "l1.onnx.data");
    }
  EXPECT_EQ(external, 7);  // q, k, v, o, gate, up, down of that layer
  EXPECT_EQ(onnx_check_problems(dir.file("l1.onnx")), "");
  EXPECT_LE(extracted_diff(dir.file("l1.onnx")), 1e-4);
}

TEST(ExternalExtract, ASmallModuleGetsInlineBytesFromTheSourcesDataFile) {
  TempDir dir;
  auto r = run(mx_cmd("extract " + quote(external()) + " --module model.layers.0.mlp -o " + quote(dir.file("mlp.onnx"))));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("mlp.onnx.data")));
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(read_file(dir.file("mlp.onnx"))));
  for (const auto& t : m.graph().initializer()) EXPECT_NE(t.data_location(), onnx::TensorProto::EXTERNAL) << t.name();
  EXPECT_LE(extracted_diff(dir.file("mlp.onnx")), 1e-4);
}

// The same path written twice: with external data, then inline (auto, the model fits). The
// first run's data file would be stale beside the second model: it goes with the set.
TEST(ExternalExport, AReexportThatFitsInlineRemovesTheOldDataFile) {
  TempDir dir;
  const std::string onnx = dir.file("m.onnx");
  const std::string args = " --plugin-dir " + quote(plugin_build_dir()) + " --input " + llama().input;
  auto first = run(mx_cmd("export " + quote(llama().pt) + " " + quote(onnx) + args +
                          " --external-data always --external-data-threshold 1M"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_TRUE(fs::exists(onnx + ".data"));
  auto second = run(mx_cmd("export " + quote(llama().pt) + " " + quote(onnx) + args));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out.find("  data "), std::string::npos) << second.out;
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"m.onnx", "m_hierarchy.json"}));
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(read_file(onnx)));
  for (const auto& t : m.graph().initializer()) EXPECT_NE(t.data_location(), onnx::TensorProto::EXTERNAL) << t.name();
  EXPECT_LE(ort_diff(onnx), 1e-5);
}

// `extract --json` names the data file it wrote, and "" once the same output is inline
// (and that output's old data file is gone).
TEST(ExternalExtract, JsonNamesTheDataFileAndAnInlineReextractRemovesIt) {
  TempDir dir;
  const std::string out = dir.file("part.onnx");
  auto external_run = run(mx_cmd("extract " + quote(external()) + " --module model.layers.1 -o " + quote(out) +
                                 " --json --external-data always --external-data-threshold 1M"));
  ASSERT_EQ(external_run.exit_code, 0) << external_run.err;
  ASSERT_TRUE(fs::exists(out + ".data"));
  EXPECT_NE(external_run.out.find("\"data\": \"" + out + ".data\""), std::string::npos) << external_run.out;
  auto inline_run = run(mx_cmd("extract " + quote(external()) + " --module model.layers.0.mlp -o " + quote(out) +
                               " --json"));
  ASSERT_EQ(inline_run.exit_code, 0) << inline_run.err;
  EXPECT_NE(inline_run.out.find("\"data\": \"\""), std::string::npos) << inline_run.out;
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"part.onnx", "part_hierarchy.json"}));
  EXPECT_LE(extracted_diff(out), 1e-4);
}

// A model renamed after export keeps naming its data file: an extract whose output's data
// file would be that file (written over, or removed when the module fits inline) is refused,
// and the source's data is left as it was.
TEST(ExternalExtract, AnOutputWhoseDataFileIsTheSourcesDataIsRefused) {
  TempDir dir;
  const std::string data_name = fs::path(external()).filename().string() + ".data";  // its location entry
  fs::copy_file(external() + ".data", dir.file(data_name));
  fs::copy_file(external(), dir.file("renamed.onnx"));
  const std::string before = read_file(dir.file(data_name));
  const std::string out = dir.file(fs::path(external()).filename().string());  // OUT.onnx.data is the source's
  for (const char* module : {"model.layers.1", "model.layers.0.mlp"}) {  // written as data; inline (removal)
    auto r = run(mx_cmd("extract " + quote(dir.file("renamed.onnx")) + " --module " + module + " -o " + quote(out) +
                        " --external-data auto --external-data-threshold 1M"));
    EXPECT_EQ(r.exit_code, 1) << module;
    EXPECT_NE(r.err.find("cannot write '" + dir.file(data_name) + "': it is the command's input"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{data_name, "renamed.onnx"})) << module;
    EXPECT_TRUE(read_file(dir.file(data_name)) == before) << module;
  }
}

// torch.onnx.export's file of the same model, with its weights moved to one file per tensor
// as torch.onnx.export lays them out over 2 GiB (onnx's save_as_external_data).
TEST(ExternalForeignTag, TagsATorchExportWithPerTensorFiles) {
  TempDir dir;
  auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/llama_torch_export.py") + " " +
                  quote(dir.file("foreign.onnx")) + " --per-tensor-files");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_GT(dir.entries().size(), 10u);  // the model and its tensors' files
  auto r = run(mx_cmd("tag " + quote(dir.file("foreign.onnx")) + " --model " + quote(llama().pt) + " -o " +
                      quote(dir.file("tagged.onnx")) + " --plugin-dir " + quote(plugin_build_dir()) +
                      " --external-data always --external-data-threshold 1M"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.file("tagged.onnx.data")));
  EXPECT_EQ(onnx_check_problems(dir.file("tagged.onnx")), "");
  auto validate = run(mx_cmd("tags " + quote(dir.file("tagged.onnx")) + " validate"));
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  auto spec = parse_input_spec(llama().input);
  auto inputs = make_inputs({spec}, 0);
  auto before = run_onnxruntime(dir.file("foreign.onnx"), {spec.name}, inputs);
  auto after = run_onnxruntime(dir.file("tagged.onnx"), {spec.name}, inputs);
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(max_abs_diff(*before[0], *after[0]), 0.0);
  EXPECT_LE(ort_diff(dir.file("tagged.onnx")), 1e-5);
}

}  // namespace
}  // namespace mx::test
