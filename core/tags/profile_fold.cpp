// Folding: each distinct ORT node name is matched once, then its events add to the module
// of the matched node and all its ancestors.
#include "tags/profile_fold.h"

#include <algorithm>
#include <unordered_map>

#include "base/error.h"
#include "tags/profile_match.h"

namespace mx {
namespace {

struct NameTarget {
  int module = -1;
  MatchRule rule = MatchRule::none;
  std::string reason;  // when module < 0
};

NameTarget target_of(const TaggedModel& t, const NodeMatcher& matcher, const ProfileEvent& e) {
  NodeMatch m = matcher.match(e.node, e.op_type);
  if (m.node < 0)
    return {-1, MatchRule::none,
            matcher.in_ort_graph(e.node) ? "not connected to any node of ours in the ORT graph"
                                         : "no node of ours has this name or one inside it"};
  const auto& node = t.nodes[m.node];
  if (node.module_index < 0)
    return {-1, m.rule, "matches node '" + node.name + "', which has no module tag"};
  return {node.module_index, m.rule, ""};
}

void check_match_rate(const TaggedModel& t, const ProfileFold& f, const NodeMatcher& matcher,
                      const std::unordered_map<std::string, NameTarget>& targets) {
  if (!f.ort_graph_path.empty()) {
    int in_graph = 0;
    for (const auto& [name, target] : targets) in_graph += matcher.in_ort_graph(name);
    if (2 * in_graph < f.names)
      throw Error("ORT graph '" + f.ort_graph_path + "' is not the graph of profile '" + f.profile_path + "': only " +
                  std::to_string(in_graph) + " of its " + std::to_string(f.names) + " node names are nodes in it");
  }
  if (2 * f.names_matched < f.names)
    throw Error("profile '" + f.profile_path + "' does not fit '" + t.onnx_path + "': only " +
                std::to_string(f.names_matched) + " of its " + std::to_string(f.names) +
                " node names match nodes of the model; is it the profile of another model?");
}

}  // namespace

ProfileFold fold_profile(const TaggedModel& t, const OrtProfile& p, const onnx::ModelProto* ort_graph,
                         const std::string& ort_graph_path) {
  if (t.modules.empty()) throw Error("'" + t.onnx_path + "' has no module tree to fold a profile into");
  ProfileFold f;
  f.profile_path = p.path;
  f.ort_graph_path = ort_graph ? ort_graph_path : "";
  f.modules.resize(t.modules.size());
  f.runs = p.runs;
  NodeMatcher matcher(t.model.graph(), ort_graph ? &ort_graph->graph() : nullptr);

  std::unordered_map<std::string, NameTarget> targets;
  for (const auto& e : p.events) {
    auto it = targets.find(e.node);
    if (it == targets.end()) it = targets.emplace(e.node, target_of(t, matcher, e)).first;
  }
  f.names = static_cast<int>(targets.size());
  for (const auto& [name, target] : targets) f.names_matched += target.rule != MatchRule::none;
  check_match_rate(t, f, matcher, targets);

  std::vector<std::vector<char>> ran(t.modules.size(), std::vector<char>(p.runs, 0));
  std::map<std::string, UnattributedNode> lost;
  for (const auto& e : p.events) {
    const NameTarget& target = targets.at(e.node);
    f.events++;
    f.node_us += e.dur_us;
    if (target.module < 0) {
      auto& u = lost[e.node];
      u.node = e.node, u.op_type = e.op_type, u.reason = target.reason;
      u.us += e.dur_us, u.events++;
      f.unattributed_us += e.dur_us, f.unattributed_events++;
      continue;
    }
    f.rules[match_rule_name(target.rule)]++;
    f.modules[target.module].self_us += e.dur_us;
    for (int a = target.module; a >= 0; a = t.modules[a].parent) {
      auto& m = f.modules[a];
      m.total_us += e.dur_us;
      m.events++;
      m.op_us[e.op_type] += e.dur_us;
      if (!ran[a][e.run]) ran[a][e.run] = 1, m.calls++;
    }
  }
  for (auto& [name, u] : lost) f.unattributed.push_back(std::move(u));
  std::stable_sort(f.unattributed.begin(), f.unattributed.end(),
                   [](const UnattributedNode& a, const UnattributedNode& b) { return a.us > b.us; });
  return f;
}

}  // namespace mx
