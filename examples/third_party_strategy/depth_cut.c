/* depth_cut: a third-party tagging strategy for modelexport, written in C against the SDK
 * header alone. It tags every node with its module cut to at most `depth` levels below the
 * root (option `depth`, default in depth_cut.yaml): a coarse view of a model, e.g. one tag
 * per BertLayer with depth 2 on the BERT-like model. Tags are spelled as htp spells them,
 * so `modelexport compare` can set the two side by side. */
#include <modelexport/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The module tree, copied out of the host (its strings die with each call). */
typedef struct {
  int64_t count;
  int64_t* parent;
  char** cls;
  char** attr;
  char** rel; /* dotted path below the nearest visible ancestor */
  char** tag;
  int* hidden;         /* ModuleList/ModuleDict: no tag segment, as in htp */
  int64_t* vis;        /* the module itself if visible, else its nearest visible ancestor */
  int64_t* level;      /* visible levels below the root */
  const char** suffix; /* htp's ".suffix" of a visible module among its siblings ("" for none) */
  int* clash;          /* another visible sibling of its class has the same suffix */
  int* done;
} tree_t;

static mx_status_t* oom(const mx_host_api_t* host) { return host->status_create(MX_STATUS_FAILED, "out of memory"); }

static char* join(const char* a, const char* sep, const char* b) {
  size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
  char* s = malloc(n);
  if (s) snprintf(s, n, "%s%s%s", a, sep, b);
  return s;
}

static int all_digits(const char* s) {
  if (!*s) return 0;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

static void tree_free(tree_t* t) {
  for (int64_t i = 0; i < t->count; ++i) {
    if (t->cls) free(t->cls[i]);
    if (t->attr) free(t->attr[i]);
    if (t->rel) free(t->rel[i]);
    if (t->tag) free(t->tag[i]);
  }
  free(t->parent);
  free(t->cls);
  free(t->attr);
  free(t->rel);
  free(t->tag);
  free(t->hidden);
  free(t->vis);
  free(t->level);
  free(t->suffix);
  free(t->clash);
  free(t->done);
}

/* Structure of module m (parents first, by recursion; trees are shallow). */
static int resolve(tree_t* t, int64_t m) {
  if (t->done[m]) return 1;
  t->done[m] = 1;
  if (m == 0) return (t->rel[0] = join("", "", "")) != NULL;
  int64_t p = t->parent[m];
  if (!resolve(t, p)) return 0;
  t->hidden[m] = !strcmp(t->cls[m], "ModuleList") || !strcmp(t->cls[m], "ModuleDict");
  t->vis[m] = t->hidden[m] ? t->vis[p] : m;
  t->level[m] = t->hidden[m] ? t->level[p] : t->level[t->vis[p]] + 1;
  t->rel[m] = t->vis[p] == p ? join(t->attr[m], "", "") : join(t->rel[p], ".", t->attr[m]);
  return t->rel[m] != NULL;
}

/* The suffix htp gives m among the visible siblings of its class: the list index or
 * attribute when needed to tell them apart. */
static int same_group(const tree_t* t, int64_t a, int64_t b) {
  return t->vis[a] == a && t->vis[b] == b && t->vis[t->parent[a]] == t->vis[t->parent[b]] &&
         !strcmp(t->cls[a], t->cls[b]);
}

static const char* suffix_of(const tree_t* t, int64_t m) {
  int64_t same = 0;
  for (int64_t k = 1; k < t->count; ++k) same += same_group(t, k, m);
  return same > 1 || all_digits(t->attr[m]) ? t->attr[m] : "";
}

static mx_status_t* load_tree(const mx_host_api_t* host, const mx_graph_t* graph, tree_t* t) {
  memset(t, 0, sizeof *t);
  int64_t n = host->module_count(graph);
  if (n < 1) return host->status_create(MX_STATUS_FAILED, "the graph has no root module");
  t->count = n;
  t->parent = calloc(n, sizeof *t->parent);
  t->cls = calloc(n, sizeof *t->cls);
  t->attr = calloc(n, sizeof *t->attr);
  t->rel = calloc(n, sizeof *t->rel);
  t->tag = calloc(n, sizeof *t->tag);
  t->hidden = calloc(n, sizeof *t->hidden);
  t->vis = calloc(n, sizeof *t->vis);
  t->level = calloc(n, sizeof *t->level);
  t->suffix = calloc(n, sizeof *t->suffix);
  t->clash = calloc(n, sizeof *t->clash);
  t->done = calloc(n, sizeof *t->done);
  if (!t->parent || !t->cls || !t->attr || !t->rel || !t->tag || !t->hidden || !t->vis || !t->level || !t->suffix ||
      !t->clash || !t->done)
    return oom(host);
  for (int64_t i = 0; i < n; ++i) {
    mx_module_t m;
    memset(&m, 0, sizeof m);
    m.struct_size = sizeof m;
    mx_status_t* s = host->get_module(graph, i, &m);
    if (s) return s;
    if (i > 0 && (m.parent < 0 || m.parent >= n || m.parent == i))
      return host->status_create(MX_STATUS_FAILED, "a module has an invalid parent");
    t->parent[i] = m.parent;
    t->cls[i] = join(m.class_name ? m.class_name : "", "", "");
    t->attr[i] = join(m.attr ? m.attr : "", "", "");
    if (!t->cls[i] || !t->attr[i]) return oom(host);
  }
  for (int64_t i = 0; i < n; ++i)
    if (!resolve(t, i)) return oom(host);
  for (int64_t i = 1; i < n; ++i) t->suffix[i] = suffix_of(t, i);
  for (int64_t i = 1; i < n; ++i)
    for (int64_t k = i + 1; k < n; ++k)
      if (same_group(t, i, k) && !strcmp(t->suffix[i], t->suffix[k])) t->clash[i] = t->clash[k] = 1;
  return NULL;
}

static int build_tag(tree_t* t, int64_t m) {
  if (t->tag[m]) return 1;
  if (m == 0) return (t->tag[0] = join("/", "", t->cls[0])) != NULL;
  int64_t vp = t->vis[t->parent[m]];
  if (!build_tag(t, vp)) return 0;
  if (t->vis[m] != m) return (t->tag[m] = join(t->tag[vp], "", "")) != NULL;
  /* Lifted out of two hidden lists, siblings may both be "0": then the whole class uses
   * relative paths, so that its members stay uniformly named. */
  const char* suffix = t->suffix[m];
  for (int64_t k = 1; k < t->count; ++k)
    if (t->clash[k] && same_group(t, k, m)) suffix = t->rel[m];
  char* segment = *suffix ? join(t->cls[m], ".", suffix) : join(t->cls[m], "", "");
  if (!segment) return 0;
  t->tag[m] = join(t->tag[vp], "/", segment);
  free(segment);
  return t->tag[m] != NULL;
}

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

/* What both calls start with. `t` is always safe to tree_free afterwards. */
static mx_status_t* begin(const mx_host_api_t* host, const mx_graph_t* graph, const mx_option_t* options, int64_t count,
                          long* depth, tree_t* t) {
  memset(t, 0, sizeof *t);
  mx_status_t* s = parse_options(host, options, count, depth);
  return s ? s : load_tree(host, graph, t);
}

static mx_status_t* tag_modules(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                                int64_t count) {
  long depth;
  tree_t t;
  mx_status_t* s = begin(host, graph, options, count, &depth, &t);
  for (int64_t m = 0; !s && m < t.count; ++m)
    s = build_tag(&t, m) ? host->set_module_tag(graph, m, t.tag[m]) : oom(host);
  tree_free(&t);
  return s;
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

static mx_status_t* tag_nodes(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options, int64_t count) {
  long depth;
  tree_t t;
  mx_status_t* s = begin(host, graph, options, count, &depth, &t);
  for (int64_t n = 0; !s && n < host->node_count(graph); ++n) {
    mx_node_t node;
    memset(&node, 0, sizeof node);
    node.struct_size = sizeof node;
    int64_t m = 0;
    s = host->get_node(graph, n, &node);
    if (!s) s = module_of(host, graph, &node, &m);
    if (s) break;
    if (m < 0 || m >= t.count) m = 0;
    m = t.vis[m];
    int cut = 0;
    for (; t.level[m] > depth; cut = 1) m = t.vis[t.parent[m]];
    int32_t decision = node.trace_entry == MX_NONE ? MX_DECISION_ROOT
                       : cut                       ? MX_DECISION_PARENT
                       : node.is_primary           ? MX_DECISION_DIRECT
                                                   : MX_DECISION_TRACE;
    s = host->set_node_tag(graph, n, m, decision);
  }
  tree_free(&t);
  return s;
}

static const mx_plugin_t plugin = {
    sizeof(mx_plugin_t), MX_ABI_MAJOR, MX_ABI_MINOR, "depth_cut", "1.0.0", tag_modules, tag_nodes, NULL,
};

MX_EXPORT const mx_plugin_t* modelexport_plugin_entry(const mx_host_api_t* host) {
  /* Every host function used here is part of ABI 1.0. */
  return host && host->abi_major == MX_ABI_MAJOR ? &plugin : NULL;
}
