// The shared C entry points: options, module tree, tags, then the strategy's decisions.
#include "strategy.h"

#include "boundary.h"
#include "options.h"
#include "tag_builder.h"

namespace mxp {
namespace {

const char* const kHiddenClasses = "hidden_classes";

struct Setup {
  OptionMap options;
  ModuleTree tree;
};

// Both calls read the same options: the tagger needs to know which modules are hidden.
Setup setup(const Strategy& s, const mx_host_api_t* host, const mx_graph_t* graph, const mx_option_t* options,
            int64_t count) {
  std::vector<std::string> known = s.option_keys;
  known.insert(known.begin(), kHiddenClasses);
  Setup out;
  out.options = read_options(options, count, known);
  auto hidden = out.options.find(kHiddenClasses);
  out.tree = load_module_tree(
      host, graph,
      hidden != out.options.end() ? split_list(hidden->second) : std::vector<std::string>{"ModuleList", "ModuleDict"});
  return out;
}

}  // namespace

mx_status_t* tag_modules(const Strategy& s, const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                         int64_t count) noexcept {
  return guarded(host, [&] {
    const Setup st = setup(s, host, graph, options, count);
    const std::vector<std::string> tags = build_module_tags(st.tree);
    for (int64_t m = 0; m < st.tree.size(); ++m) check(host->set_module_tag(graph, m, tags[m].c_str()));
  });
}

mx_status_t* tag_nodes(const Strategy& s, const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                       int64_t count) noexcept {
  return guarded(host, [&] {
    const Setup st = setup(s, host, graph, options, count);
    const GraphLinks links = read_graph(host, graph);
    const NodeTags tags = s.decide(host, graph, links, st.tree, st.options);
    set_node_tags(host, graph, tags);
  });
}

}  // namespace mxp
