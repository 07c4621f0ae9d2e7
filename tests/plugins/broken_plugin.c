/* Test plugins that are broken in one way each, chosen by BROKEN_KIND at build time (see
 * tests/meson.build); BROKEN_NAME is the strategy name. Apart from their one fault they
 * work: module tags "/Root/m<i>", every node on the root. */
#include <modelexport/plugin.h>

#include <stdio.h>
#include <unistd.h>

#define NO_ENTRY 1
#define ABI_MAJOR 2
#define ABI_MINOR 3
#define TAGGER_ERROR 4
#define UNTAGGED 5
#define CRASH 6
#define HANG 7

static mx_status_t* tag_modules(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                                int64_t option_count) {
  (void)options;
  (void)option_count;
  for (int64_t m = 0; m < host->module_count(graph); ++m) {
    char tag[64];
    snprintf(tag, sizeof tag, m == 0 ? "/Root" : "/Root/m%lld", (long long)m);
    mx_status_t* s = host->set_module_tag(graph, m, tag);
    if (s) return s;
  }
  return NULL;
}

static mx_status_t* tag_nodes(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                              int64_t option_count) {
  (void)options;
  (void)option_count;
#if BROKEN_KIND == TAGGER_ERROR
  return host->status_create(MX_STATUS_FAILED, "deliberate failure: this tagger always fails");
#endif
#if BROKEN_KIND == CRASH
  {
    /* A real invalid write, not raise(), to an unmapped address the compiler cannot see (not
     * NULL: UBSan would stop a null store before it faults). */
    volatile int* volatile p = (volatile int*)16;
    *p = 42;
  }
#endif
#if BROKEN_KIND == HANG
  for (;;) sleep(1);
#endif
  int64_t n = host->node_count(graph);
#if BROKEN_KIND == UNTAGGED
  n = n / 2; /* forgets the second half */
#endif
  for (int64_t i = 0; i < n; ++i) {
    mx_status_t* s = host->set_node_tag(graph, i, 0, MX_DECISION_ROOT);
    if (s) return s;
  }
  return NULL;
}

static const mx_plugin_t plugin = {
    sizeof(mx_plugin_t),
#if BROKEN_KIND == ABI_MAJOR
    MX_ABI_MAJOR + 1,
#else
    MX_ABI_MAJOR,
#endif
#if BROKEN_KIND == ABI_MINOR
    MX_ABI_MINOR + 1,
#else
    MX_ABI_MINOR,
#endif
    BROKEN_NAME,
    "0.0.1",
    tag_modules,
    tag_nodes,
    NULL,
};

#if BROKEN_KIND == NO_ENTRY
/* Spelled differently from MX_ENTRY_SYMBOL, as a typo would be. */
MX_EXPORT const mx_plugin_t* modelexport_plugin_entry_point(const mx_host_api_t* host) {
#else
MX_EXPORT const mx_plugin_t* modelexport_plugin_entry(const mx_host_api_t* host) {
#endif
  (void)host;
  return &plugin;
}
