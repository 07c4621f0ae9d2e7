// One module object under two names (self.emb and self.seq[0]), tagged by the path its
// call takes in `export` and in `tag` of PyTorch's own export alike, its other name in the
// sidecar and found by `tags query`; and `tag --input-file` on an RNN over packed
// sequences, whose ops need real lengths (tests/fixtures/scripted_models.py).
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <map>
#include <nlohmann/json.hpp>

#include "onnx_io/node_metadata.h"
#include "onnx_io/onnx_file.h"
#include "support/test_env.h"

namespace mx::test {
namespace {

std::string plugins() { return " --plugin-dir " + quote(plugin_build_dir()); }

// The tag of every node of type `op` in `onnx`.
std::vector<std::string> tags_of(const std::string& onnx, const std::string& op) {
  std::vector<std::string> out;
  auto model = read_onnx_file(onnx);
  for (const auto& n : model.graph().node())
    if (n.op_type() == op) out.push_back(node_metadata(n, "modelexport.tag"));
  return out;
}

// PyTorch's export of the fixture's nn.Module on real inputs, and those inputs.
struct Peer {
  std::string onnx, inputs;
};
Peer peer(const TempDir& dir, const std::string& model) {
  Peer p{dir.file(model + "_torch.onnx"), dir.file(model + "_inputs.pt")};
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/scripted_models.py") + " " + model + " " +
               quote(dir.file(model + ".pt")) + " --peer " + quote(p.onnx) + " " + quote(p.inputs));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return p;
}

TEST(SharedModules, ExportTagsTheCallPathAndTheSidecarListsTheOtherName) {
  TempDir dir;
  std::string model = scripted_fixture_model("shared_module");
  auto r = run(quote(modelexport_bin()) + " export " + quote(model) + " " + quote(dir.file("m.onnx")) + plugins() +
               " --input ids:int64:2x5:0..9");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tags_of(dir.file("m.onnx"), "Gather"),
            std::vector<std::string>{"/SharedModule/Sequential/Embedding.0"});
  // Weights keep the first name, as named_parameters() gives it.
  std::vector<std::string> inits;
  auto exported = read_onnx_file(dir.file("m.onnx"));
  for (const auto& i : exported.graph().initializer()) inits.push_back(i.name());
  EXPECT_NE(std::find(inits.begin(), inits.end(), "emb.weight"), inits.end());
  auto sidecar = nlohmann::json::parse(read_file(dir.file("m_hierarchy.json")));
  std::map<std::string, nlohmann::json> by_path;
  for (const auto& m : sidecar.at("modules")) by_path[m.value("path", "")] = m;
  ASSERT_TRUE(by_path.count("seq.0") && by_path.count("emb"));
  EXPECT_EQ(by_path["seq.0"].at("other_paths"), nlohmann::json::array({"emb"}));
  EXPECT_EQ(by_path["emb"].at("other_paths"), nlohmann::json::array({"seq.0"}));
  EXPECT_EQ(by_path["seq.0"].value("direct_nodes", 0), 1);
  EXPECT_EQ(by_path["emb"].value("calls", 0), 0);
  // `tags query` finds it by either name.
  for (const std::string name : {"emb", "seq.0"}) {
    auto q = run(quote(modelexport_bin()) + " tags " + quote(dir.file("m.onnx")) + " query " + name);
    EXPECT_EQ(q.exit_code, 0) << q.err;
    EXPECT_NE(q.out.find("seq.0  Embedding  /SharedModule/Sequential/Embedding.0  direct 1, total 1  also named emb"),
              std::string::npos)
        << name << ":\n" << q.out;
  }
}

TEST(SharedModules, TagOfPyTorchsExportGivesTheSameTag) {
  TempDir dir;
  Peer p = peer(dir, "shared_module");
  auto r = run(quote(modelexport_bin()) + " tag " + quote(p.onnx) + " --model " +
               quote(scripted_fixture_model("shared_module")) + " -o " + quote(dir.file("t.onnx")) + plugins());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tags_of(dir.file("t.onnx"), "Gather"),
            std::vector<std::string>{"/SharedModule/Sequential/Embedding.0"});
}

TEST(PackedSequences, TagNeedsRealLengthsAndTakesThemFromAnInputFile) {
  TempDir dir;
  Peer p = peer(dir, "packed_rnn");
  std::string tag = quote(modelexport_bin()) + " tag " + quote(p.onnx) + " --model " +
                    quote(scripted_fixture_model("packed_rnn")) + " -o " + quote(dir.file("t.onnx")) + plugins();
  auto random = run(tag);  // lengths drawn from 0..9 for sequences of 5
  EXPECT_EQ(random.exit_code, 1);
  EXPECT_EQ(random.err.rfind("modelexport: error: ", 0), 0u) << random.err;
  EXPECT_NE(random.err.find("give real ones with --input-file"), std::string::npos) << random.err;
  EXPECT_FALSE(fs::exists(dir.file("t.onnx")));
  auto real = run(tag + " --input-file " + quote(p.inputs));
  ASSERT_EQ(real.exit_code, 0) << real.err;
  EXPECT_EQ(tags_of(dir.file("t.onnx"), "LSTM"), std::vector<std::string>{"/PackedRNN/LSTM"});
  EXPECT_EQ(tags_of(dir.file("t.onnx"), "MatMul"),
            (std::vector<std::string>{"/PackedRNN/Linear.proj", "/PackedRNN/Linear.head"}));
}

}  // namespace
}  // namespace mx::test
