// The shipped strategies on real fixture models through the binary: every node tagged,
// decision counts the same in the summary, the sidecar and the nodes themselves, and htp
// never falls back to the root.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>

#include "onnx_io/node_metadata.h"
#include "support/model_exports.h"
#include "tags/tag_output.h"

namespace mx::test {
namespace {

struct Param {
  ModelCase model;
  std::string strategy;
};

class StrategyOnModel : public ::testing::TestWithParam<Param> {
 protected:
  const ModelExport& e() { return export_with(GetParam().model, GetParam().strategy); }
  std::map<std::string, int> decisions_on_nodes() {
    std::map<std::string, int> counts;
    for (const auto& node : e().proto.graph().node()) counts[node_metadata(node, kDecisionKey)]++;
    return counts;
  }
};

// Every fixture model must export: a missing converter ("unsupported operator") fails.
#define EXPORTED() ASSERT_EQ(e().result.exit_code, 0) << e().result.err

TEST_P(StrategyOnModel, DecisionCountsAgreeInSummarySidecarAndNodes) {
  EXPORTED();
  auto on_nodes = decisions_on_nodes();
  auto sidecar = YAML::LoadFile(e().sidecar);
  std::map<std::string, int> in_sidecar;
  for (const auto& kv : sidecar["summary"]["decisions"]) in_sidecar[kv.first.as<std::string>()] = kv.second.as<int>();
  EXPECT_EQ(in_sidecar, on_nodes);
  std::smatch line;
  ASSERT_TRUE(std::regex_search(e().result.out, line, std::regex("decisions   ([^\n]*)"))) << e().result.out;
  std::string printed;
  for (const auto& [d, n] : on_nodes) printed += (printed.empty() ? "" : ", ") + d + " " + std::to_string(n);
  EXPECT_EQ(line[1].str(), printed);
}

TEST_P(StrategyOnModel, EveryNodeHasATagAndAKnownDecision) {
  EXPORTED();
  for (const auto& node : e().proto.graph().node()) {
    EXPECT_EQ(node_metadata(node, kTagKey).rfind('/', 0), 0u) << node.name();
    EXPECT_NE(node_metadata(node, kDecisionKey), "none") << node.name();
  }
}

std::vector<Param> params() {
  std::vector<Param> out;
  for (const auto& m : strategy_model_cases())
    for (const char* s : {"htp", "usage_based"}) out.push_back({m, s});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Models, StrategyOnModel, ::testing::ValuesIn(params()),
                         [](const auto& info) { return info.param.model.model + "_" + info.param.strategy; });

// The root fallback is for nodes nothing else explains; htp explains every node of these
// models from the trace (the root module's own ops are "direct" to the root).
class HtpOnModel : public StrategyOnModel {};

TEST_P(HtpOnModel, NeverFallsBackToTheRoot) {
  EXPORTED();
  auto counts = decisions_on_nodes();
  EXPECT_EQ(counts.count("root"), 0u) << counts["root"] << " root-fallback nodes";
  EXPECT_EQ(counts.count("none"), 0u);
}

std::vector<Param> htp_params() {
  std::vector<Param> out;
  for (const auto& m : strategy_model_cases()) out.push_back({m, "htp"});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Models, HtpOnModel, ::testing::ValuesIn(htp_params()),
                         [](const auto& info) { return info.param.model.model; });

}  // namespace
}  // namespace mx::test
