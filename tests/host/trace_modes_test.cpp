// The meta trace against the real one: `export --trace meta --check` and `export --trace
// real` of the same model write the same ONNX file (node list, tags, initializers, byte for
// byte) and the same sidecar apart from its timings, and the meta trace ran its ops on the
// meta device (it did not quietly fall back to the real trace).
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "support/test_env.h"

namespace mx::test {
namespace {

struct Case {
  std::string name;
  bool scripted;
  std::vector<std::string> dynamic;  // --dynamic NAME:AXIS:LABEL
  bool meta;                         // the meta trace is expected to run (no data cone fallback)
};

std::string sidecar_without_times(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path));
  j["summary"].erase("seconds");
  j.erase("onnx");  // the output's own name
  return j.dump(1);
}

// The first node whose text differs, for the failure message.
std::string first_difference(const std::string& a_path, const std::string& b_path) {
  onnx::ModelProto a, b;
  if (!a.ParseFromString(read_file(a_path)) || !b.ParseFromString(read_file(b_path))) return "unreadable";
  const auto& ga = a.graph();
  const auto& gb = b.graph();
  if (ga.node_size() != gb.node_size()) return std::to_string(ga.node_size()) + " nodes vs " + std::to_string(gb.node_size());
  for (int i = 0; i < ga.node_size(); ++i)
    if (ga.node(i).SerializeAsString() != gb.node(i).SerializeAsString()) return "node " + ga.node(i).name();
  if (ga.initializer_size() != gb.initializer_size()) return "initializer counts";
  for (int i = 0; i < ga.initializer_size(); ++i)
    if (ga.initializer(i).SerializeAsString() != gb.initializer(i).SerializeAsString())
      return "initializer " + ga.initializer(i).name();
  return "graph inputs, outputs or value infos";
}

class TraceModes : public ::testing::TestWithParam<Case> {};

TEST_P(TraceModes, MetaTraceExportsWhatTheRealTraceExports) {
  const auto& c = GetParam();
  TempDir dir;
  std::string model = c.scripted ? scripted_fixture_model(c.name) : fixture_model(c.name);
  auto specs = c.scripted ? scripted_fixture_inputs(c.name) : fixture_inputs(c.name);
  std::string base = quote(modelexport_bin()) + " export " + quote(model) + " --plugin-dir " + quote(plugin_build_dir());
  for (const auto& s : specs) base += " --input " + s;
  for (const auto& d : c.dynamic) base += " --dynamic " + d;
  std::string real = dir.file("real.onnx"), meta = dir.file("meta.onnx");
  auto r = run(base + " " + quote(real) + " --trace real");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("trace       real: "), std::string::npos) << r.out;
  auto m = run(base + " " + quote(meta) + " --trace meta --check");
  ASSERT_EQ(m.exit_code, 0) << m.err;
  std::cout << c.name << ": " << m.out.substr(m.out.find("  trace "), m.out.find('\n', m.out.find("  trace ")) - m.out.find("  trace ")) << "\n";
  if (c.meta) {  // ops did run on shapes alone
    std::smatch ways;
    ASSERT_TRUE(std::regex_search(m.out, ways, std::regex("trace       meta: ops on meta (\\d+), by shape rule (\\d+)")))
        << m.out;
    EXPECT_GT(std::stoi(ways[1]) + std::stoi(ways[2]), 0) << m.out;
  }
  EXPECT_TRUE(read_file(real) == read_file(meta)) << c.name << ": the exports differ at " << first_difference(real, meta);
  EXPECT_EQ(sidecar_without_times(dir.file("real_hierarchy.json")), sidecar_without_times(dir.file("meta_hierarchy.json")));
}

const std::vector<std::string> kBatch{"x:0:batch"};
const std::vector<std::string> kBert{"input_ids:0:batch", "input_ids:1:seq", "attention_mask:0:batch",
                                     "attention_mask:1:seq"};
const std::vector<std::string> kEncoder{"x:0:batch", "x:1:seq", "padding_mask:0:batch", "padding_mask:1:seq"};
const std::vector<std::string> kDecoder{"tgt:0:batch", "tgt:1:tgt_seq", "memory:0:batch", "memory:1:mem_seq",
                                        "memory_key_padding_mask:0:batch", "memory_key_padding_mask:1:mem_seq"};

std::string name_of(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

// Fast models (e2e suite): a traced MLP, an LSTM + GRU, scripted control flow and a scripted RNN.
// (Data-dependent ops, item, nonzero, ..., are op cases: core_ops_op_cases runs with --check.)
INSTANTIATE_TEST_SUITE_P(Fast, TraceModes,
                         ::testing::Values(Case{"mlp", false, {"x:0:batch"}, true}, Case{"rnn", false, {"x:0:batch", "x:1:seq"}, true},
                                           Case{"branches_and_loop", true, {}, true},
                                           Case{"word_language_model", true, {}, true}),
                         name_of);

// The zoo (zoo suite), with the dynamic axes the zoo test exports them with.
INSTANTIATE_TEST_SUITE_P(
    Zoo, TraceModes,
    ::testing::Values(Case{"resnet18", false, kBatch, true}, Case{"resnet50", false, kBatch, true},
                      Case{"mobilenet_v2", false, kBatch, true}, Case{"mobilenet_v3_large", false, kBatch, true},
                      Case{"efficientnet_b1", false, kBatch, true}, Case{"vgg11_bn", false, kBatch, true},
                      Case{"googlenet", false, kBatch, true}, Case{"mnasnet0_5", false, kBatch, true},
                      Case{"vit_b_32", false, kBatch, true}, Case{"bert", false, kBert, true},
                      Case{"transformer_encoder", false, kEncoder, true}, Case{"transformer_decoder", false, kDecoder, true},
                      Case{"vit_b_32_no_grad", false, kBatch, true}, Case{"bert_no_grad", false, kBert, true},
                      Case{"transformer_encoder_no_grad", false, kEncoder, true},
                      Case{"transformer_decoder_no_grad", false, kDecoder, true}),
    name_of);

}  // namespace
}  // namespace mx::test
