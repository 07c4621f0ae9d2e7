// The graph-context rules (consumer, producer, parent) on real models: files written by
// torch.onnx.export have nodes without a usable scope (PyTorch's passes make them), which
// `modelexport tag` places by graph context. Each such node must carry the module its
// neighbours carry: its consumers' module (decision consumer), its producers' (producer), or
// the closest common ancestor of theirs (parent); the neighbours are reached through other
// context-decided nodes, as the rules say.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "onnx_io/node_metadata.h"
#include "support/test_env.h"
#include "tags/tag_output.h"

namespace mx::test {
namespace {

bool is_context(const std::string& d) { return d == "consumer" || d == "producer" || d == "parent"; }

struct Graph {
  const onnx::GraphProto& g;
  std::map<std::string, int> producer;
  std::map<std::string, std::vector<int>> consumers;
  explicit Graph(const onnx::GraphProto& graph) : g(graph) {
    for (int i = 0; i < g.node_size(); ++i) {
      for (const auto& o : g.node(i).output()) producer[o] = i;
      for (const auto& in : g.node(i).input()) consumers[in].push_back(i);
    }
  }
  std::string decision(int n) const { return node_metadata(g.node(n), kDecisionKey); }
  std::string module(int n) const { return node_metadata(g.node(n), kModuleKey); }
  // Modules of the nodes decided otherwise that `n` reaches downstream (consumers) or
  // upstream, passing only through context-decided nodes.
  void reach(int n, bool down, std::set<int>& seen, std::set<std::string>& out) const {
    std::vector<int> next;
    if (down) {
      for (const auto& o : g.node(n).output())
        if (auto it = consumers.find(o); it != consumers.end()) next.insert(next.end(), it->second.begin(), it->second.end());
    } else {
      for (const auto& in : g.node(n).input())
        if (auto it = producer.find(in); it != producer.end()) next.push_back(it->second);
    }
    for (int m : next) {
      if (!seen.insert(m).second) continue;
      if (is_context(decision(m)))
        reach(m, down, seen, out);
      else
        out.insert(module(m));
    }
  }
};

// The closest common ancestor of module paths ("a.b.c", "a.b.d" -> "a.b"; "" is the root).
std::string common_ancestor(const std::set<std::string>& paths) {
  std::string out = *paths.begin();
  for (const auto& p : paths) {
    while (!out.empty() && !(p == out || p.rfind(out + ".", 0) == 0)) {
      auto dot = out.rfind('.');
      out = dot == std::string::npos ? "" : out.substr(0, dot);
    }
  }
  return out;
}

class TagContext : public ::testing::TestWithParam<std::string> {};

TEST_P(TagContext, ContextDecidedNodesCarryTheirNeighboursModule) {
  TempDir dir;
  const std::string model = GetParam(), foreign = dir.file("torch.onnx"), out = dir.file("tagged.onnx");
  auto exported = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/torch_onnx_export.py") + " " + model +
                      " " + quote(foreign));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto r = run(quote(modelexport_bin()) + " tag " + quote(foreign) + " --model " + quote(fixture_model(model)) + " -o " +
               quote(out) + " --plugin-dir " + quote(plugin_build_dir()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  onnx::ModelProto proto;
  ASSERT_TRUE(proto.ParseFromString(read_file(out)));
  Graph graph(proto.graph());
  std::map<std::string, int> counts;
  for (int n = 0; n < proto.graph().node_size(); ++n) {
    std::string d = graph.decision(n);
    if (!is_context(d)) continue;
    counts[d]++;
    std::set<int> seen_down{n}, seen_up{n};
    std::set<std::string> down, up;
    graph.reach(n, true, seen_down, down);
    graph.reach(n, false, seen_up, up);
    // htp looks at consumers first: the producer side only when no consumer has a module.
    const auto& side = down.empty() ? up : down;
    ASSERT_FALSE(side.empty()) << proto.graph().node(n).name() << " is decided '" << d << "' with no neighbour";
    EXPECT_EQ(d, side.size() == 1 ? (down.empty() ? "producer" : "consumer") : "parent")
        << proto.graph().node(n).name();
    // A hidden level (ModuleList) is no module of a tag: parent may name the level above.
    std::string ancestor = common_ancestor(side), got = graph.module(n);
    if (side.size() == 1)
      EXPECT_EQ(got, ancestor) << proto.graph().node(n).name() << " (" << d << ")";
    else
      EXPECT_TRUE(got.empty() || ancestor == got || ancestor.rfind(got + ".", 0) == 0)
          << proto.graph().node(n).name() << " (parent): " << got << " is no ancestor of " << ancestor;
  }
  EXPECT_GT(counts["consumer"] + counts["producer"] + counts["parent"], 0) << "no node reached the context rules";
  std::cout << model << ": consumer " << counts["consumer"] << ", producer " << counts["producer"] << ", parent "
            << counts["parent"] << "\n";
}

INSTANTIATE_TEST_SUITE_P(Models, TagContext, ::testing::Values("rnn", "transformer_encoder", "transformer_decoder", "bert"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mx::test
