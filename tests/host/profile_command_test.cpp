// `modelexport profile` on real ONNX Runtime profiles of our exports of resnet18 and the
// BERT-like model, graph optimizations off and on: every event attributed, the tree's times
// adding up, checked against sums made here from the profile itself; and bad profiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "onnx_io/node_metadata.h"
#include "support/model_exports.h"
#include "support/test_env.h"
#include "tags/tag_output.h"

namespace mx::test {
namespace {

using nlohmann::json;

struct Profiled {
  const ModelExport* model = nullptr;
  std::string dir, profile, ort_graph;
  CommandResult ort, fold;
  json report, events;  // the fold's --json, the profile's kernel events
};

// ORT runs the export twice with profiling on, then `modelexport profile --json`; cached.
const Profiled& profiled(const std::string& model, const std::string& level) {
  static TempDir root;
  static std::map<std::string, Profiled> cache;
  const std::string key = model + "_" + level;
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  Profiled p;
  p.model = &export_with(model_case(model), "htp");
  p.dir = root.file(key);
  p.profile = p.dir + "/profile.json";
  p.ort_graph = p.dir + "/ort_graph.onnx";
  p.ort = profile_in_onnxruntime(p.model->onnx, model, p.dir, level, 2);
  if (p.ort.exit_code == 0) {
    p.fold = run(quote(modelexport_bin()) + " profile " + quote(p.model->onnx) + " " + quote(p.profile) +
                 " --ort-graph " + quote(p.ort_graph) + " --json " + quote(p.dir + "/fold.json"));
    if (p.fold.exit_code == 0) p.report = json::parse(read_file(p.dir + "/fold.json"));
    for (const auto& e : json::parse(read_file(p.profile))) {
      const std::string name = e.value("name", "");
      if (e.value("cat", "") == "Node" && name.size() > 12 && name.substr(name.size() - 12) == "_kernel_time")
        p.events.push_back(e);
    }
  }
  return cache.emplace(key, std::move(p)).first->second;
}

double event_sum(const json& events) {
  double sum = 0;
  for (const auto& e : events) sum += e["dur"].get<double>();
  return sum;
}

bool near(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) + 1e-6; }

class ProfileTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {
 protected:
  const Profiled& p() { return profiled(GetParam().first, GetParam().second); }
  void SetUp() override {
    ASSERT_EQ(p().model->result.exit_code, 0) << p().model->result.err;
    ASSERT_EQ(p().ort.exit_code, 0) << p().ort.err;
    ASSERT_EQ(p().fold.exit_code, 0) << p().fold.err;
    ASSERT_FALSE(p().events.empty());
  }
};

TEST_P(ProfileTest, EveryNodeEventIsAttributed) {
  const auto& r = p().report;
  EXPECT_EQ(r["events"].get<size_t>(), p().events.size());
  EXPECT_EQ(r["unattributed_events"].get<int>(), 0) << r["unattributed"].dump(1);
  EXPECT_TRUE(r["unattributed"].empty());
  EXPECT_EQ(r["runs"].get<int>(), 2);
  EXPECT_NE(p().fold.out.find("not attributed: 0 events"), std::string::npos) << p().fold.out;
}

TEST_P(ProfileTest, RootTotalIsTheProfilesNodeTime) {
  const auto& root = p().report["modules"][0];
  ASSERT_EQ(root["parent"].get<int>(), -1);
  double sum = event_sum(p().events);
  EXPECT_TRUE(near(root["total_us"].get<double>(), sum)) << root["total_us"] << " vs " << sum;
  EXPECT_TRUE(near(p().report["node_us"].get<double>(), sum));
  EXPECT_EQ(root["calls"].get<int>(), 2);
}

TEST_P(ProfileTest, TotalIsSelfPlusChildrenAndModulesWithoutNodesHaveNoTime) {
  std::map<int, double> children_total;
  for (const auto& m : p().report["modules"])
    if (m["parent"].get<int>() >= 0) children_total[m["parent"].get<int>()] += m["total_us"].get<double>();
  int without_nodes = 0;
  for (const auto& m : p().report["modules"]) {
    double expected = m["self_us"].get<double>() + children_total[m["index"].get<int>()];
    EXPECT_TRUE(near(m["total_us"].get<double>(), expected)) << m["tag"] << ": " << m["total_us"] << " vs " << expected;
    if (m["total_nodes"].get<int>() == 0) {
      ++without_nodes;
      EXPECT_EQ(m["total_us"].get<double>(), 0) << m["tag"];
      EXPECT_EQ(m["events"].get<int>(), 0) << m["tag"];
    }
  }
  if (GetParam().first == "resnet18") {
    EXPECT_GT(without_nodes, 0);  // its BatchNorms are folded away
  }
}

INSTANTIATE_TEST_SUITE_P(Models, ProfileTest,
                         ::testing::Values(std::make_pair("resnet18", "disabled"), std::make_pair("resnet18", "all"),
                                           std::make_pair("bert", "disabled"), std::make_pair("bert", "all")),
                         [](const auto& info) { return info.param.first + "_" + info.param.second; });

void expect_self_time_is_sum_of_own_nodes(const Profiled& p) {
  ASSERT_EQ(p.fold.exit_code, 0) << p.fold.err;
  std::map<std::string, std::string> module_of;
  for (const auto& node : p.model->proto.graph().node()) module_of[node.name()] = node_metadata(node, kModuleKey);
  std::map<std::string, double> expected;
  for (const auto& e : p.events) {
    std::string name = e["name"].get<std::string>();
    name = name.substr(0, name.size() - 12);
    ASSERT_TRUE(module_of.count(name)) << name;
    expected[module_of[name]] += e["dur"].get<double>();
  }
  for (const auto& m : p.report["modules"])
    EXPECT_TRUE(near(m["self_us"].get<double>(), expected[m["path"].get<std::string>()])) << m["path"];
  EXPECT_EQ(p.report["rules"]["name"].get<size_t>(), p.events.size());
}

// Optimizations off: ORT runs our nodes as they are, so each module's self time is the sum
// of the events of the nodes whose metadata names that module.
TEST(ProfileCommand, WithoutOptimizationsSelfTimeIsTheSumOfTheModulesOwnNodes) {
  expect_self_time_is_sum_of_own_nodes(profiled("resnet18", "disabled"));
  expect_self_time_is_sum_of_own_nodes(profiled("bert", "disabled"));
}

void expect_fused_ops_on_their_modules(const Profiled& p, const std::map<std::string, std::string>& class_of_op) {
  ASSERT_EQ(p.fold.exit_code, 0) << p.fold.err;
  for (const auto& [op, cls] : class_of_op) {
    double events = 0, modules = 0;
    for (const auto& e : p.events)
      if (e["args"].value("op_name", "") == op) events += e["dur"].get<double>();
    for (const auto& m : p.report["modules"])
      if (m["class_name"] == cls && m["op_us"].contains(op) && m["self_us"].get<double>() > 0)
        modules += m["op_us"][op].get<double>();
    EXPECT_GT(events, 0) << op;
    EXPECT_TRUE(near(events, modules)) << op << ": " << events << " in events, " << modules << " on " << cls;
  }
  EXPECT_LT(p.report["rules"].value("name", 0), static_cast<int>(p.events.size()));  // ORT did rename
}

// Optimizations on: ORT fused and renamed nodes; the time of each fused op type lands on the
// modules of the class that computes it.
TEST(ProfileCommand, WithOptimizationsFusedNodesLandOnTheModulesThatComputeThem) {
  expect_fused_ops_on_their_modules(profiled("resnet18", "all"), {{"Conv", "Conv2d"}});
  expect_fused_ops_on_their_modules(profiled("bert", "all"),
                                    {{"Gelu", "GELU"}, {"SkipLayerNormalization", "LayerNorm"}, {"FusedGemm", "Linear"}});
}

// Without ORT's graph the nodes ORT named itself stay unattributed, on a line of their own,
// and the tree plus that line still add up to the node time.
TEST(ProfileCommand, WithoutTheOrtGraphUnmatchedNodesGetTheirOwnLine) {
  const auto& p = profiled("bert", "all");
  ASSERT_EQ(p.fold.exit_code, 0) << p.fold.err;
  TempDir dir;
  auto r = run(quote(modelexport_bin()) + " profile " + quote(p.model->onnx) + " " + quote(p.profile) + " --json " +
               quote(dir.file("f.json")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto report = json::parse(read_file(dir.file("f.json")));
  EXPECT_GT(report["unattributed_events"].get<int>(), 0);
  EXPECT_NE(r.out.find("not attributed  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Gelu"), std::string::npos) << r.out;
  double sum = event_sum(p.events);
  EXPECT_TRUE(near(report["modules"][0]["total_us"].get<double>() + report["unattributed_us"].get<double>(), sum));
}

void expect_error(const std::string& onnx, const std::string& profile, const std::string& message) {
  TempDir dir;
  auto r = run(quote(modelexport_bin()) + " profile " + quote(onnx) + " " + quote(profile) + " --json " +
               quote(dir.file("f.json")) + " --html " + quote(dir.file("f.html")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("modelexport: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_TRUE(dir.entries().empty());
}

TEST(ProfileCommand, BadProfiles) {
  const auto& resnet = profiled("resnet18", "disabled");
  const auto& bert = profiled("bert", "disabled");
  ASSERT_EQ(resnet.fold.exit_code, 0) << resnet.fold.err;
  ASSERT_EQ(bert.fold.exit_code, 0) << bert.fold.err;
  TempDir dir;
  std::ofstream(dir.file("truncated.json")) << read_file(resnet.profile).substr(0, 200);
  std::ofstream(dir.file("object.json")) << "{\"traceEvents\": []}";
  std::ofstream(dir.file("no_nodes.json")) << "[{\"cat\": \"Session\", \"name\": \"model_run\", \"ts\": 1, \"dur\": 2}]";
  const std::string onnx = resnet.model->onnx;
  expect_error(onnx, dir.file("truncated.json"), "is not JSON (it ends too early");
  expect_error(onnx, dir.file("missing.json"), "cannot read profile");
  expect_error(onnx, dir.file("object.json"), "is not an ONNX Runtime profile: it is an object");
  expect_error(onnx, resnet.model->sidecar, "is not an ONNX Runtime profile: it is an object");
  expect_error(onnx, dir.file("no_nodes.json"), "it has no node events");
  // BERT's profile against resnet18: "only 0 of its N node names match nodes of the model".
  std::set<std::string> names;
  for (const auto& e : bert.events) names.insert(e["name"].get<std::string>());
  expect_error(onnx, bert.profile, "only 0 of its " + std::to_string(names.size()) + " node names match nodes of");
}

}  // namespace
}  // namespace mx::test
