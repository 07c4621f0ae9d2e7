// htp: Hierarchical Trace-and-Project tagging strategy.
//
// Tag builder: "/" + root class + one segment per visible module level (class name, ".N"
// for list items, ".attr" where visible siblings share a class); classes listed in the
// `hidden_classes` option (ModuleList, ModuleDict) contribute no segment.
// Tagger: a node produced by a traced op gets the innermost module of its call stack; any
// other node inherits from its consumers, else its producers, else the root.
#include <modelexport/plugin.h>

#include "common.h"
#include "node_tagger.h"
#include "tag_builder.h"

#include <cstddef>
#include <exception>
#include <new>
#include <string>
#include <vector>

namespace {

const mx_host_api_t* g_entry_host = nullptr;  // fallback if a call passes no host

// Runs body, turning every exception into a host status; never throws.
template <typename Body>
mx_status_t* guarded(const mx_host_api_t* host, Body body) noexcept {
  if (host == nullptr) host = g_entry_host;
  if (host == nullptr) return nullptr;  // nobody to report to
  try {
    body(host);
    return nullptr;
  } catch (const htp::StatusError& e) {
    return e.status;
  } catch (const std::bad_alloc&) {
    return host->status_create(MX_STATUS_FAILED, "htp: out of memory");
  } catch (const std::exception& e) {
    return host->status_create(MX_STATUS_FAILED, (std::string("htp: ") + e.what()).c_str());
  } catch (...) {
    return host->status_create(MX_STATUS_FAILED, "htp: unknown internal error");
  }
}

void tag_modules_impl(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options, int64_t option_count) {
  const htp::Options opts = htp::parse_options(host, options, option_count);
  const htp::ModuleTree tree = htp::load_module_tree(host, graph, opts);
  const std::vector<std::string> tags = htp::build_module_tags(tree);
  for (int64_t m = 0; m < tree.size(); ++m) htp::check(host->set_module_tag(graph, m, tags[m].c_str()));
}

void tag_nodes_impl(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options, int64_t option_count) {
  // The tagger needs to know which modules are hidden, so it reads the same options.
  const htp::Options opts = htp::parse_options(host, options, option_count);
  const htp::ModuleTree tree = htp::load_module_tree(host, graph, opts);
  const htp::NodeTags decided = htp::decide_nodes(host, graph, tree);
  int64_t counts[MX_DECISION_ROOT + 1] = {0};
  for (std::size_t u = 0; u < decided.module.size(); ++u) {
    htp::check(host->set_node_tag(graph, static_cast<int64_t>(u), decided.module[u], decided.decision[u]));
    ++counts[decided.decision[u]];
  }
  const std::string summary =
      "decisions: direct " + std::to_string(counts[MX_DECISION_DIRECT]) + ", trace " +
      std::to_string(counts[MX_DECISION_TRACE]) + ", consumer " + std::to_string(counts[MX_DECISION_CONSUMER]) +
      ", producer " + std::to_string(counts[MX_DECISION_PRODUCER]) + ", parent " +
      std::to_string(counts[MX_DECISION_PARENT]) + ", root " + std::to_string(counts[MX_DECISION_ROOT]);
  host->log(graph, MX_LOG_DEBUG, summary.c_str());
}

}  // namespace

extern "C" {

static mx_status_t* htp_tag_modules(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                                    int64_t option_count) noexcept {
  return guarded(host, [&](const mx_host_api_t* h) { tag_modules_impl(h, graph, options, option_count); });
}

static mx_status_t* htp_tag_nodes(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                                  int64_t option_count) noexcept {
  return guarded(host, [&](const mx_host_api_t* h) { tag_nodes_impl(h, graph, options, option_count); });
}

static const mx_plugin_t htp_plugin = {
    sizeof(mx_plugin_t), MX_ABI_MAJOR, MX_ABI_MINOR, "htp", "0.1.0", &htp_tag_modules, &htp_tag_nodes, nullptr,
};

MX_EXPORT const mx_plugin_t* modelexport_plugin_entry(const mx_host_api_t* host) noexcept {
  // Every member used here is part of ABI 1.0, so any 1.x host of at least 1.0's size works.
  const std::size_t needed = offsetof(mx_host_api_t, get_extension) + sizeof(host->get_extension);
  if (host == nullptr || host->abi_major != MX_ABI_MAJOR || host->struct_size < needed) return nullptr;
  g_entry_host = host;
  return &htp_plugin;
}

}  // extern "C"
