// Dead-node removal (see remove_dead_nodes.h).
#include "passes/remove_dead_nodes.h"

#include <set>

#include "onnx_io/node_inputs.h"

namespace mx {

int remove_dead_nodes(ConvertedModel& m) {
  const auto& graph = m.model.graph();
  std::set<std::string> needed;
  for (const auto& o : graph.output()) needed.insert(o.name());
  std::vector<bool> drop(graph.node_size(), true);
  int removed = 0;
  // Backwards: a node is live if one of its outputs is needed (nodes are in graph order).
  for (int i = graph.node_size() - 1; i >= 0; --i) {
    for (const auto& o : graph.node(i).output())
      if (needed.count(o)) drop[i] = false;
    if (drop[i]) {
      ++removed;
      continue;
    }
    for (const auto& in : node_inputs(graph.node(i))) needed.insert(in);  // also what its subgraphs read
  }
  m.remove_nodes(drop);
  m.remove_initializers([&](const onnx::TensorProto& t) { return needed.count(t.name()) > 0; });
  return removed;
}

}  // namespace mx
