#include "node_tagger.h"

#include <string>
#include <utility>

namespace htp {

namespace {

// Compressed adjacency lists: the items of i are item[offset[i] .. offset[i + 1]).
struct Lists {
  std::vector<int64_t> offset{0};
  std::vector<int64_t> item;
  void close() { offset.push_back(static_cast<int64_t>(item.size())); }
  int64_t begin(int64_t i) const { return offset[i]; }
  int64_t end(int64_t i) const { return offset[i + 1]; }
};

// What the traced nodes reachable in one direction say: their common ancestor module, and
// whether they all named the same module.
struct Summary {
  int64_t module = MX_NONE;
  bool agree = true;
};

void merge(Summary& into, int64_t module, bool agree, const ModuleTree& tree) {
  if (module == MX_NONE) return;
  if (into.module == MX_NONE) {
    into.module = module;
    into.agree = agree;
    return;
  }
  into.agree = into.agree && agree && into.module == module;
  into.module = tree.common_ancestor(into.module, module);
}

// For every untraced node in `roots`, the summary of the traced nodes reachable through
// `next` while passing only through untraced nodes. Iterative DFS, memoized: each node
// and edge is visited once. Nodes on the current path (a cycle) contribute nothing.
void summarize(const Lists& next, const std::vector<int64_t>& traced_module, const std::vector<int64_t>& roots,
               const ModuleTree& tree, std::vector<Summary>& summary) {
  std::vector<char> state(traced_module.size(), 0);  // 0 new, 1 on the path, 2 done
  std::vector<std::pair<int64_t, int64_t>> stack;    // node, next edge
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
        if (traced_module[w] != MX_NONE) {
          merge(summary[u], traced_module[w], true, tree);
        } else if (state[w] == 2) {
          merge(summary[u], summary[w].module, summary[w].agree, tree);
        } else if (state[w] == 0) {
          state[w] = 1;
          stack.emplace_back(w, next.begin(w));
        }
      } else {
        state[u] = 2;
        stack.pop_back();
        if (!stack.empty()) merge(summary[stack.back().first], summary[u].module, summary[u].agree, tree);
      }
    }
  }
}

[[noreturn]] void bad_index(const mx_host_api_t* host, const char* what, int64_t index, const char* owner,
                            int64_t owner_index) {
  fail(host, MX_STATUS_FAILED,
       std::string("htp: ") + owner + " " + std::to_string(owner_index) + " refers to " + what + " " +
           std::to_string(index) + ", which does not exist");
}

void require_array(const mx_host_api_t* host, const void* items, int64_t count, const char* what, int64_t index) {
  if (count < 0 || (count > 0 && items == nullptr))
    fail(host, MX_STATUS_FAILED, std::string("htp: ") + what + " " + std::to_string(index) + " has an invalid list");
}

}  // namespace

NodeTags decide_nodes(const mx_host_api_t* host, const mx_graph_t* graph, const ModuleTree& tree) {
  const int64_t node_count = host->node_count(graph);
  const int64_t value_count = host->value_count(graph);
  const int64_t entry_count = host->trace_entry_count(graph);
  if (node_count < 0 || value_count < 0 || entry_count < 0)
    fail(host, MX_STATUS_FAILED, "htp: the host reported a negative count");

  // Values: producer and consumers.
  std::vector<int64_t> producer(value_count, MX_NONE);
  Lists consumers;
  for (int64_t v = 0; v < value_count; ++v) {
    mx_value_t value{};
    value.struct_size = sizeof(mx_value_t);
    check(host->get_value(graph, v, &value));
    if (value.producer != MX_NONE && (value.producer < 0 || value.producer >= node_count))
      bad_index(host, "node", value.producer, "value", v);
    producer[v] = value.producer;
    require_array(host, value.consumers, value.consumer_count, "value", v);
    for (int64_t c = 0; c < value.consumer_count; ++c) {
      const int64_t w = value.consumers[c];
      if (w < 0 || w >= node_count) bad_index(host, "node", w, "value", v);
      consumers.item.push_back(w);
    }
    consumers.close();
  }

  // Nodes: traced ones are decided now; the graph links are kept for the others.
  NodeTags out;
  out.module.assign(node_count, MX_NONE);
  out.decision.assign(node_count, 0);
  std::vector<int64_t> entry_module(entry_count, MX_NONE);  // memo per trace entry
  Lists next_consumers, next_producers;
  std::vector<int64_t> untraced;
  for (int64_t u = 0; u < node_count; ++u) {
    mx_node_t node{};
    node.struct_size = sizeof(mx_node_t);
    check(host->get_node(graph, u, &node));
    require_array(host, node.inputs, node.input_count, "node", u);
    require_array(host, node.outputs, node.output_count, "node", u);
    for (int64_t i = 0; i < node.input_count; ++i) {
      const int64_t v = node.inputs[i];
      if (v == MX_NONE) continue;
      if (v < 0 || v >= value_count) bad_index(host, "value", v, "node", u);
      if (producer[v] != MX_NONE) next_producers.item.push_back(producer[v]);
    }
    next_producers.close();
    for (int64_t i = 0; i < node.output_count; ++i) {
      const int64_t v = node.outputs[i];
      if (v < 0 || v >= value_count) bad_index(host, "value", v, "node", u);
      for (int64_t k = consumers.begin(v); k < consumers.end(v); ++k) next_consumers.item.push_back(consumers.item[k]);
    }
    next_consumers.close();

    const int64_t e = node.trace_entry;
    if (e == MX_NONE) {
      untraced.push_back(u);
      continue;
    }
    if (e < 0 || e >= entry_count) bad_index(host, "trace entry", e, "node", u);
    if (entry_module[e] == MX_NONE) {
      mx_trace_entry_t entry{};
      entry.struct_size = sizeof(mx_trace_entry_t);
      check(host->get_trace_entry(graph, e, &entry));
      if (entry.module_stack_size < 1 || entry.module_stack == nullptr)
        fail(host, MX_STATUS_FAILED, "htp: trace entry " + std::to_string(e) + " has an empty module stack");
      const int64_t m = entry.module_stack[entry.module_stack_size - 1];
      if (m < 0 || m >= tree.size()) bad_index(host, "module", m, "trace entry", e);
      entry_module[e] = tree.visible[m];
    }
    out.module[u] = entry_module[e];
    out.decision[u] = node.is_primary ? MX_DECISION_DIRECT : MX_DECISION_TRACE;
  }

  // Untraced nodes: consumers first, then producers, then the root.
  const std::vector<int64_t> traced = out.module;  // MX_NONE for untraced nodes
  std::vector<Summary> from_consumers(node_count);
  summarize(next_consumers, traced, untraced, tree, from_consumers);
  std::vector<int64_t> need_producers;
  for (int64_t u : untraced)
    if (from_consumers[u].module == MX_NONE) need_producers.push_back(u);
  std::vector<Summary> from_producers(node_count);
  summarize(next_producers, traced, need_producers, tree, from_producers);

  for (int64_t u : untraced) {
    const Summary& c = from_consumers[u];
    const Summary& p = from_producers[u];
    if (c.module != MX_NONE) {
      out.module[u] = tree.visible[c.module];
      out.decision[u] = c.agree ? MX_DECISION_CONSUMER : MX_DECISION_PARENT;
    } else if (p.module != MX_NONE) {
      out.module[u] = tree.visible[p.module];
      out.decision[u] = p.agree ? MX_DECISION_PRODUCER : MX_DECISION_PARENT;
    } else {
      out.module[u] = 0;
      out.decision[u] = MX_DECISION_ROOT;
    }
  }
  return out;
}

}  // namespace htp
