// htp's node decisions: the trace first, then graph context.
#include "node_tagger.h"

namespace htp {

mxp::NodeTags decide_nodes(const mx_host_api_t* host, const mx_graph_t* graph, const mxp::GraphLinks& links,
                           const mxp::ModuleTree& tree, const mxp::OptionMap&) {
  mxp::NodeTags out(links.node_count);
  mxp::EntryModules entry_module(host, graph, links);
  for (int64_t u = 0; u < links.node_count; ++u) {
    if (links.trace_entry[u] != MX_NONE) {
      out.module[u] = tree.visible[entry_module(links.trace_entry[u])];
      out.decision[u] = links.is_primary[u] ? MX_DECISION_DIRECT : MX_DECISION_TRACE;
      continue;
    }
    // No traced op made this node, but the values it makes may have been computed in the
    // trace (a constant, a graph output's copy): their module's code created them.
    mxp::Candidates made_by;
    for (int64_t k = links.outputs.begin(u); k < links.outputs.end(u); ++k) {
      const int64_t e = links.value_entry[links.outputs.item[k]];
      if (e != MX_NONE) made_by.add(tree.visible[entry_module(e)], tree);
    }
    if (made_by.module != MX_NONE) {
      out.module[u] = tree.visible[made_by.module];
      out.decision[u] = made_by.agree ? MX_DECISION_TRACE : MX_DECISION_PARENT;
    }
  }
  mxp::decide_from_context(host, graph, links, tree, MX_DECISION_CONSUMER, out);
  return out;
}

}  // namespace htp
