// Reading ORT profiles and folding them into the tiny tagged model: events by name, by the
// names ORT gives fused nodes, through ORT's graph, unmatched ones on their own; bad input.
#include <gtest/gtest.h>

#include <functional>

#include "base/error.h"
#include "support/tiny_profile.h"
#include "tags/profile_fold.h"
#include "tags/profile_read.h"

namespace mx::test {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ProfileRead, KernelEventsAndTheirRuns) {
  auto p = parse_ort_profile(profile_text({{"/act/Relu", "Relu", 3}, {"/head/MatMul", "MatMul", 4}}, 2), "p.json");
  ASSERT_EQ(p.events.size(), 4u);  // fences and session events do not count
  EXPECT_EQ(p.runs, 2);
  EXPECT_EQ(p.events[0].node, "/act/Relu");
  EXPECT_EQ(p.events[0].op_type, "Relu");
  EXPECT_EQ(p.events[0].provider, "CPUExecutionProvider");
  EXPECT_EQ(p.events[1].run, 0);
  EXPECT_EQ(p.events[2].run, 1);
  EXPECT_DOUBLE_EQ(p.node_us, 14);
}

TEST(ProfileRead, BadProfilesSayWhatIsWrong) {
  EXPECT_EQ(error_of([] { parse_ort_profile("[{\"cat\": ", "p.json"); }),
            "profile 'p.json' is not JSON (it ends too early, 9 bytes)");
  EXPECT_NE(error_of([] { parse_ort_profile("{}", "p.json"); }).find("not an ONNX Runtime profile: it is an object"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_ort_profile("[1]", "p.json"); }).find("element 0 is a number"), std::string::npos);
  EXPECT_NE(error_of([] { parse_ort_profile("[]", "p.json"); }).find("it has no node events"), std::string::npos);
  EXPECT_NE(error_of([] { parse_ort_profile(R"([{"cat": "Node", "name": "a_kernel_time", "ts": 1}])", "p.json"); })
                .find("node event 0 has no numeric 'dur'"),
            std::string::npos);
  EXPECT_NE(error_of([] { read_ort_profile("/no/such/profile.json"); }).find("cannot read profile"), std::string::npos);
}

TEST(ProfileFold, ExactNamesFoldUpTheTree) {
  Tiny t;
  auto f = fold(t, profile_text({{"/act/Relu", "Relu", 1}, {"/enc/blocks.0/MatMul", "MatMul", 2},
                                 {"/enc/blocks.0/Add", "Add", 4}, {"/enc/blocks.1/MatMul", "MatMul", 8},
                                 {"/act_1/Relu", "Relu", 16}, {"/head/MatMul", "MatMul", 32}},
                                2));
  // Modules: 0 Net, 1 act, 2 enc, 3 enc.blocks, 4 block 0, 5 block 1, 6 head.
  EXPECT_DOUBLE_EQ(f.modules[1].self_us, 34);  // act runs twice per model run
  EXPECT_DOUBLE_EQ(f.modules[4].self_us, 12);
  EXPECT_DOUBLE_EQ(f.modules[3].self_us, 0);
  EXPECT_DOUBLE_EQ(f.modules[3].total_us, 28);
  EXPECT_DOUBLE_EQ(f.modules[2].total_us, 28);
  EXPECT_DOUBLE_EQ(f.modules[0].total_us, 126);
  EXPECT_DOUBLE_EQ(f.node_us, 126);
  EXPECT_EQ(f.modules[0].calls, 2);
  EXPECT_EQ(f.modules[4].events, 4);
  EXPECT_DOUBLE_EQ(f.modules[2].op_us["MatMul"], 20);
  EXPECT_EQ(f.rules["name"], 12);
  EXPECT_TRUE(f.unattributed.empty());
}

TEST(ProfileFold, NamesOrtGivesFusedNodes) {
  Tiny t;
  auto f = fold(t, profile_text({{"fused /head/MatMul", "FusedMatMul", 1},
                                 {"/enc/blocks.0/MatMul/MatMulAddFusion", "Gemm", 2},
                                 {"a2_nchwc", "MatMul", 4},  // named after the Relu's output, computes the MatMul
                                 {"a_nchwc", "Relu", 8}}));
  EXPECT_DOUBLE_EQ(f.modules[6].self_us, 1);
  EXPECT_DOUBLE_EQ(f.modules[4].self_us, 2);
  EXPECT_DOUBLE_EQ(f.modules[5].self_us, 4);
  EXPECT_DOUBLE_EQ(f.modules[1].self_us, 8);
  EXPECT_EQ(f.rules["fused_name"], 2);
  EXPECT_EQ(f.rules["tensor_name"], 2);
}

TEST(ProfileFold, NodesOrtNamedItselfThroughItsGraph) {
  Tiny t;
  onnx::ModelProto ort;
  auto add = [&](const std::string& name, const std::string& op, std::vector<std::string> in, std::string out) {
    auto* n = ort.mutable_graph()->add_node();
    n->set_name(name), n->set_op_type(op), n->add_output(out);
    for (const auto& i : in) n->add_input(i);
  };
  add("/act/Relu", "Relu", {"x"}, "a");
  add("Gelu_token_3", "Gelu", {"a"}, "b1");         // writes block 0's output
  add("reshape_token_4", "Reshape", {"b1"}, "r");   // feeds the next one
  add("fused /enc/blocks.1/MatMul", "FusedMatMul", {"r"}, "b2");
  add("Mystery", "Foo", {"q"}, "z");                 // connected to nothing of ours
  auto f = fold(t,
                profile_text({{"/act/Relu", "Relu", 1}, {"Gelu_token_3", "Gelu", 2}, {"reshape_token_4", "Reshape", 4},
                              {"fused /enc/blocks.1/MatMul", "FusedMatMul", 8}, {"Mystery", "Foo", 16}}),
                &ort);
  EXPECT_DOUBLE_EQ(f.modules[4].self_us, 2);      // Gelu: the producer of b1 in our graph (block 0's Add)
  EXPECT_DOUBLE_EQ(f.modules[5].self_us, 4 + 8);  // the reshape goes with the node it feeds
  EXPECT_EQ(f.rules["ort_graph"], 2);
  ASSERT_EQ(f.unattributed.size(), 1u);
  EXPECT_EQ(f.unattributed[0].node, "Mystery");
  EXPECT_EQ(f.unattributed[0].reason, "not connected to any node of ours in the ORT graph");
  EXPECT_DOUBLE_EQ(f.modules[0].total_us + f.unattributed_us, f.node_us);
}

TEST(ProfileFold, UnmatchedNamesAreListedAndStillCounted) {
  Tiny t;
  auto f = fold(t, profile_text({{"/act/Relu", "Relu", 1}, {"/head/MatMul", "MatMul", 2}, {"Gelu", "Gelu", 4}}));
  ASSERT_EQ(f.unattributed.size(), 1u);
  EXPECT_EQ(f.unattributed[0].node, "Gelu");
  EXPECT_DOUBLE_EQ(f.unattributed_us, 4);
  EXPECT_DOUBLE_EQ(f.modules[0].total_us, 3);
  EXPECT_DOUBLE_EQ(f.node_us, 7);
}

TEST(ProfileFold, ProfileOfAnotherModel) {
  Tiny t;
  EXPECT_EQ(error_of([&] { fold(t, profile_text({{"/conv1/Conv", "Conv", 1}, {"/fc/Gemm", "Gemm", 2}, {"/act/Relu", "Relu", 1}})); }),
            "profile 'p.json' does not fit '" + t.model.onnx_path +
                "': only 1 of its 3 node names match nodes of the model; is it the profile of another model?");
}

}  // namespace
}  // namespace mx::test
