// A C++ test plugin whose tagger throws a C++ exception across the C boundary, which the
// ABI forbids: the host must report it, naming the plugin, and carry on.
#include <modelexport/plugin.h>

#include <stdexcept>

namespace {

mx_status_t* tag_modules(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t*, int64_t) {
  for (int64_t m = 0; m < host->module_count(graph); ++m)
    if (auto* s = host->set_module_tag(graph, m, m == 0 ? "/Root" : ("/Root/m" + std::to_string(m)).c_str())) return s;
  return nullptr;
}

// Deliberately not noexcept: the exception leaves the plugin.
mx_status_t* tag_nodes(const mx_host_api_t*, mx_graph_t*, const mx_option_t*, int64_t) {
  throw std::runtime_error("deliberate exception from the throwing test plugin");
}

const mx_plugin_t plugin = {
    sizeof(mx_plugin_t), MX_ABI_MAJOR, MX_ABI_MINOR, "throwing", "0.0.1", tag_modules, tag_nodes, nullptr,
};

}  // namespace

extern "C" MX_EXPORT const mx_plugin_t* modelexport_plugin_entry(const mx_host_api_t*) { return &plugin; }
