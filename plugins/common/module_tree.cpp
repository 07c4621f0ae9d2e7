// Loading and checking the module tree; depths, visibility, a parents-first order.
#include "module_tree.h"

#include <algorithm>

#include "boundary.h"

namespace mxp {
namespace {

bool is_hidden(const std::vector<std::string>& hidden_classes, const std::string& short_name,
               const std::string& qualified) {
  for (const std::string& h : hidden_classes) {
    const std::string& name = h.find('.') != std::string::npos ? qualified : short_name;
    if (name == h) return true;
  }
  return false;
}

}  // namespace

int64_t ModuleTree::common_ancestor(int64_t a, int64_t b) const {
  while (depth[a] > depth[b]) a = parent[a];
  while (depth[b] > depth[a]) b = parent[b];
  while (a != b) {
    a = parent[a];
    b = parent[b];
  }
  return a;
}

ModuleTree load_module_tree(const mx_host_api_t* host, const mx_graph_t* graph,
                            const std::vector<std::string>& hidden_classes) {
  const int64_t n = host->module_count(graph);
  if (n <= 0) fail(MX_STATUS_FAILED, "the graph has no modules (not even a root)");
  const std::size_t un = static_cast<std::size_t>(n);
  ModuleTree t;
  t.attr.resize(un);
  t.class_name.resize(un);
  t.parent.resize(un);
  t.hidden.assign(un, 0);
  for (int64_t i = 0; i < n; ++i) {
    mx_module_t m{};
    m.struct_size = sizeof(mx_module_t);
    check(host->get_module(graph, i, &m));
    t.attr[i] = m.attr != nullptr ? m.attr : "";
    t.class_name[i] = m.class_name != nullptr ? m.class_name : "";
    t.parent[i] = m.parent;
    const bool parent_ok = i == 0 ? m.parent == MX_NONE : (m.parent >= 0 && m.parent < n && m.parent != i);
    if (!parent_ok)
      fail(MX_STATUS_FAILED, "module " + std::to_string(i) + " has an invalid parent " + std::to_string(m.parent));
    const std::string qualified = m.qualified_class != nullptr ? m.qualified_class : "";
    t.hidden[i] = i != 0 && is_hidden(hidden_classes, t.class_name[i], qualified);
  }

  // Depths, memoized; -1 unknown, -2 on the current chain (a revisit means a cycle).
  t.depth.assign(un, -1);
  t.depth[0] = 0;
  std::vector<int64_t> chain;
  for (int64_t i = 0; i < n; ++i) {
    int64_t m = i;
    while (t.depth[m] < 0) {
      if (t.depth[m] == -2) fail(MX_STATUS_FAILED, "the module tree has a cycle through module " + std::to_string(m));
      t.depth[m] = -2;
      chain.push_back(m);
      m = t.parent[m];
    }
    int64_t d = t.depth[m];
    while (!chain.empty()) {
      t.depth[chain.back()] = ++d;
      chain.pop_back();
    }
  }

  // Parents before children: a stable counting sort by depth.
  int64_t max_depth = *std::max_element(t.depth.begin(), t.depth.end());
  std::vector<int64_t> start(max_depth + 2, 0);
  for (int64_t d : t.depth) ++start[d + 1];
  for (std::size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
  t.order.assign(un, 0);
  for (int64_t i = 0; i < n; ++i) t.order[start[t.depth[i]]++] = i;

  t.visible.assign(un, 0);
  for (int64_t i : t.order) t.visible[i] = (i == 0 || !t.hidden[i]) ? i : t.visible[t.parent[i]];
  return t;
}

}  // namespace mxp
