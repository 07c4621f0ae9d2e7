/* depth_cut: a third-party tagging strategy for modelexport, written in C against the SDK
 * headers alone. It tags every node with its module cut to at most `depth` levels below the
 * root (option `depth`, default in depth_cut.yaml): a coarse view of a model, e.g. one tag
 * per BertLayer with depth 2 on the BERT-like model. Tags are spelled as htp spells them,
 * by the host's tag builder extension (modelexport/ext/tag_builder.h), so `modelexport
 * compare` can set the two side by side. */
#include <modelexport/ext/tag_builder.h>
#include <modelexport/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads `depth`; any other key is an error naming it. */
static mx_status_t* parse_options(const mx_host_api_t* host, const mx_option_t* options, int64_t count, long* depth) {
  *depth = 1;
  for (int64_t i = 0; i < count; ++i) {
    char message[256];
    if (strcmp(options[i].key, "depth") != 0) {
      snprintf(message, sizeof message, "unknown option '%s' (known: depth)", options[i].key);
      return host->status_create(MX_STATUS_INVALID_ARGUMENT, message);
    }
    char* end = NULL;
    *depth = strtol(options[i].value, &end, 10);
    if (!*options[i].value || *end || *depth < 0) {
      snprintf(message, sizeof message, "option depth must be a whole number >= 0, got '%s'", options[i].value);
      return host->status_create(MX_STATUS_INVALID_ARGUMENT, message);
    }
  }
  return NULL;
}

static mx_status_t* tag_modules(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                                int64_t count) {
  long depth;
  mx_status_t* s = parse_options(host, options, count, &depth);
  if (s) return s;
  const mx_ext_tag_builder_t* builder = (const mx_ext_tag_builder_t*)host->get_extension(MX_EXT_TAG_BUILDER);
  if (!builder || builder->struct_size < sizeof *builder)
    return host->status_create(MX_STATUS_FAILED, "this host does not offer " MX_EXT_TAG_BUILDER);
  return builder->tag_modules(graph, NULL);
}

/* Innermost module of the node's traced op, or the root for a node no op made. */
static mx_status_t* module_of(const mx_host_api_t* host, const mx_graph_t* graph, const mx_node_t* node,
                              int64_t* module) {
  *module = 0;
  if (node->trace_entry == MX_NONE) return NULL;
  mx_trace_entry_t e;
  memset(&e, 0, sizeof e);
  e.struct_size = sizeof e;
  mx_status_t* s = host->get_trace_entry(graph, node->trace_entry, &e);
  if (!s && e.module_stack_size > 0) *module = e.module_stack[e.module_stack_size - 1];
  return s;
}

/* Visible levels below the root: "/Bert/BertEncoder/BertLayer.0" is 2. */
static long levels(const char* tag) {
  long slashes = 0;
  for (; *tag; ++tag) slashes += *tag == '/';
  return slashes - 1;
}

/* The module's parents and tags (set by tag_modules), read from the host. */
static mx_status_t* read_tree(const mx_host_api_t* host, const mx_graph_t* graph, int64_t n, int64_t* parent,
                              const char** tag) {
  for (int64_t i = 0; i < n; ++i) {
    mx_module_t m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    mx_status_t* s = host->get_module(graph, i, &m);
    if (s) return s;
    parent[i] = i == 0 ? 0 : m.parent;
    tag[i] = host->get_module_tag(graph, i);
    if (!tag[i] || (i > 0 && (m.parent < 0 || m.parent >= i)))
      return host->status_create(MX_STATUS_FAILED, "a module has no tag or an invalid parent");
  }
  return NULL;
}

/* A ModuleList or ModuleDict shares its parent's tag: the visible module is that parent. */
static int64_t visible(const int64_t* parent, const char** tag, int64_t m) {
  while (m > 0 && strcmp(tag[m], tag[parent[m]]) == 0) m = parent[m];
  return m;
}

static mx_status_t* tag_nodes(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options, int64_t count) {
  long depth;
  mx_status_t* s = parse_options(host, options, count, &depth);
  if (s) return s;
  int64_t modules = host->module_count(graph);
  int64_t* parent = calloc(modules > 0 ? modules : 1, sizeof *parent);
  const char** tag = calloc(modules > 0 ? modules : 1, sizeof *tag);
  s = !parent || !tag ? host->status_create(MX_STATUS_FAILED, "out of memory") : read_tree(host, graph, modules, parent, tag);
  for (int64_t n = 0; !s && n < host->node_count(graph); ++n) {
    mx_node_t node;
    memset(&node, 0, sizeof node);
    node.struct_size = sizeof node;
    int64_t m = 0;
    s = host->get_node(graph, n, &node);
    if (!s) s = module_of(host, graph, &node, &m);
    if (s) break;
    if (m < 0 || m >= modules) m = 0;
    m = visible(parent, tag, m);
    int cut = 0;
    for (; levels(tag[m]) > depth; cut = 1) m = visible(parent, tag, parent[m]);
    int32_t decision = node.trace_entry == MX_NONE ? MX_DECISION_ROOT
                       : cut                       ? MX_DECISION_PARENT
                       : node.is_primary           ? MX_DECISION_DIRECT
                                                   : MX_DECISION_TRACE;
    s = host->set_node_tag(graph, n, m, decision);
  }
  free(parent);
  free(tag);
  return s;
}

static const mx_plugin_t plugin = {
    sizeof(mx_plugin_t), MX_ABI_MAJOR, MX_ABI_MINOR, "depth_cut", "1.0.0", tag_modules, tag_nodes, NULL,
};

MX_EXPORT const mx_plugin_t* modelexport_plugin_entry(const mx_host_api_t* host) {
  /* Every host function used here is part of ABI 1.0. */
  return host && mx_abi_check(MX_ABI_MAJOR, MX_ABI_MINOR, host->abi_major, host->abi_minor) == MX_ABI_COMPATIBLE
             ? &plugin
             : NULL;
}
