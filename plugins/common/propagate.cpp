// Context propagation: two memoized DFS passes (consumer side, producer side) over the
// undecided nodes, O(nodes + edges) times the tree depth.
#include "propagate.h"

#include <map>
#include <string>
#include <utility>

#include "boundary.h"

namespace mxp {
namespace {

// What the decided nodes reachable in one direction say.
using Summary = Candidates;

// For every undecided node in `roots`, the summary of the decided nodes reachable through
// `next` while passing only through undecided nodes. Iterative DFS, memoized: each node and
// edge is visited once. Nodes on the current path (a cycle) contribute nothing.
std::vector<Summary> summarize(const Lists& next, const std::vector<int64_t>& decided,
                               const std::vector<int64_t>& roots, const ModuleTree& tree) {
  std::vector<Summary> summary(decided.size());
  std::vector<char> state(decided.size(), 0);      // 0 new, 1 on the path, 2 done
  std::vector<std::pair<int64_t, int64_t>> stack;  // node, next edge
  for (int64_t root : roots) {
    if (state[root] != 0) continue;
    state[root] = 1;
    stack.emplace_back(root, next.begin(root));
    while (!stack.empty()) {
      const int64_t u = stack.back().first;
      const int64_t k = stack.back().second;
      if (k < next.end(u)) {
        ++stack.back().second;
        const int64_t w = next.item[k];
        if (decided[w] != MX_NONE) {
          summary[u].add(decided[w], tree);
        } else if (state[w] == 2) {
          summary[u].add(summary[w].module, tree, summary[w].agree);
        } else if (state[w] == 0) {
          state[w] = 1;
          stack.emplace_back(w, next.begin(w));
        }
      } else {
        state[u] = 2;
        stack.pop_back();
        if (!stack.empty()) summary[stack.back().first].add(summary[u].module, tree, summary[u].agree);
      }
    }
  }
  return summary;
}

}  // namespace

void Candidates::add(int64_t m, const ModuleTree& tree, bool m_agreed) {
  if (m == MX_NONE) return;
  if (module == MX_NONE) {
    module = m;
    agree = m_agreed;
    return;
  }
  agree = agree && m_agreed && module == m;
  module = tree.common_ancestor(module, m);
}

void decide_from_context(const mx_host_api_t* host, const mx_graph_t* graph, const GraphLinks& links,
                         const ModuleTree& tree, int32_t default_first, NodeTags& tags) {
  std::vector<int64_t> undecided;
  for (int64_t u = 0; u < links.node_count; ++u)
    if (tags.module[u] == MX_NONE) undecided.push_back(u);
  if (undecided.empty()) return;
  const std::vector<int64_t> decided = tags.module;
  const std::vector<Summary> from_consumers = summarize(links.consumers, decided, undecided, tree);
  const std::vector<Summary> from_producers = summarize(links.producers, decided, undecided, tree);
  std::map<std::string, int32_t> first_side;  // per op type, asked once
  for (int64_t u : undecided) {
    auto it = first_side.find(links.op_type[u]);
    if (it == first_side.end()) {
      int32_t declared = host->auxiliary_inherit(graph, links.op_type[u].c_str());
      bool known = declared == MX_DECISION_CONSUMER || declared == MX_DECISION_PRODUCER;
      it = first_side.emplace(links.op_type[u], known ? declared : default_first).first;
    }
    const bool consumers_first = it->second == MX_DECISION_CONSUMER;
    const Summary& first = consumers_first ? from_consumers[u] : from_producers[u];
    const Summary& second = consumers_first ? from_producers[u] : from_consumers[u];
    const int32_t first_kind = consumers_first ? MX_DECISION_CONSUMER : MX_DECISION_PRODUCER;
    const int32_t second_kind = consumers_first ? MX_DECISION_PRODUCER : MX_DECISION_CONSUMER;
    if (first.module != MX_NONE) {
      tags.module[u] = tree.visible[first.module];
      tags.decision[u] = first.agree ? first_kind : MX_DECISION_PARENT;
    } else if (second.module != MX_NONE) {
      tags.module[u] = tree.visible[second.module];
      tags.decision[u] = second.agree ? second_kind : MX_DECISION_PARENT;
    } else {
      tags.module[u] = 0;
      tags.decision[u] = MX_DECISION_ROOT;
    }
  }
}

void set_node_tags(const mx_host_api_t* host, mx_graph_t* graph, const NodeTags& tags) {
  int64_t counts[MX_DECISION_ROOT + 1] = {0};
  for (std::size_t u = 0; u < tags.module.size(); ++u) {
    check(host->set_node_tag(graph, static_cast<int64_t>(u), tags.module[u], tags.decision[u]));
    if (tags.decision[u] >= 0 && tags.decision[u] <= MX_DECISION_ROOT) ++counts[tags.decision[u]];
  }
  const std::string summary =
      "decisions: direct " + std::to_string(counts[MX_DECISION_DIRECT]) + ", trace " +
      std::to_string(counts[MX_DECISION_TRACE]) + ", consumer " + std::to_string(counts[MX_DECISION_CONSUMER]) +
      ", producer " + std::to_string(counts[MX_DECISION_PRODUCER]) + ", parent " +
      std::to_string(counts[MX_DECISION_PARENT]) + ", root " + std::to_string(counts[MX_DECISION_ROOT]);
  host->log(graph, MX_LOG_DEBUG, summary.c_str());
}

}  // namespace mxp
