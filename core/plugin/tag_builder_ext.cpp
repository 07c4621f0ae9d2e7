// The tag builder extension: the shipped strategies' own rule (plugins/common/tag_builder,
// compiled into core from the same source) offered to any plugin through get_extension.
#include "plugin/tag_builder_ext.h"

#include "boundary.h"
#include "module_tree.h"
#include "options.h"
#include "plugin/graph_view.h"
#include "tag_builder.h"

namespace mx {
namespace {

mx_status_t* tag_modules(mx_graph_t* graph, const char* hidden_classes) noexcept {
  const mx_host_api_t* host = host_api();
  return mxp::guarded(host, [&] {
    auto hidden = hidden_classes ? mxp::split_list(hidden_classes) : std::vector<std::string>{"ModuleList", "ModuleDict"};
    auto tree = mxp::load_module_tree(host, graph, hidden);
    auto tags = mxp::build_module_tags(tree);
    for (int64_t m = 0; m < tree.size(); ++m) mxp::check(host->set_module_tag(graph, m, tags[m].c_str()));
  });
}

const mx_ext_tag_builder_t kTagBuilder = {sizeof(mx_ext_tag_builder_t), tag_modules};

}  // namespace

const mx_ext_tag_builder_t* tag_builder_extension() { return &kTagBuilder; }

}  // namespace mx
