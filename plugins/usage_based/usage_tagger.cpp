// usage_based's node decisions: parameter ownership, then graph context. It ignores the
// trace on purpose: this is the classic approach that htp is measured against.
#include "usage_tagger.h"

namespace usage_based {

mxp::NodeTags decide_nodes(const mx_host_api_t* host, const mx_graph_t* graph, const mxp::GraphLinks& links,
                           const mxp::ModuleTree& tree, const mxp::OptionMap&) {
  mxp::NodeTags out(links.node_count);
  for (int64_t u = 0; u < links.node_count; ++u) {
    mxp::Candidates owners;
    for (int64_t k = links.inputs.begin(u); k < links.inputs.end(u); ++k) {
      const int64_t owner = links.value_owner[links.inputs.item[k]];
      if (owner != MX_NONE) owners.add(tree.visible[owner], tree);
    }
    if (owners.module == MX_NONE) continue;
    out.module[u] = tree.visible[owners.module];
    out.decision[u] = owners.agree ? MX_DECISION_DIRECT : MX_DECISION_PARENT;
  }
  mxp::decide_from_context(host, graph, links, tree, MX_DECISION_PRODUCER, out);
  return out;
}

}  // namespace usage_based
