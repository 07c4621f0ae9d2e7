/* Test plugins that are broken in one way each, chosen by BROKEN_KIND at build time (see
 * tests/meson.build); BROKEN_NAME is the strategy name. Apart from their one fault they
 * work: module tags "/Root/m<i>", every node on the root. */
#include <modelexport/plugin.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NO_ENTRY 1
#define ABI_MAJOR 2
#define ABI_MINOR 3
#define TAGGER_ERROR 4
#define UNTAGGED 5
#define CRASH 6
#define HANG 7
/* Faults in code the host runs to load a plugin: constructors and the entry point. */
#define CTOR_CRASH 8
#define CTOR_HANG 9
#define CTOR_EXIT 10
#define ENTRY_CRASH 11
#define ENTRY_HANG 12
#define ENTRY_EXIT 13
/* Answers that do not come from the host's own encoding: forged onto the answer pipe. */
#define FORGED_HUGE_INDEX 14
#define FORGED_INDEX_1000 15
#define BAD_UTF8_TAG 16

__attribute__((unused)) static void crash(void) {
  /* A real invalid write, not raise(), to an unmapped address the compiler cannot see (not
   * NULL: UBSan would stop a null store before it faults). */
  volatile int* volatile p = (volatile int*)16;
  *p = 42;
}

#if BROKEN_KIND == CTOR_CRASH || BROKEN_KIND == CTOR_HANG || BROKEN_KIND == CTOR_EXIT
__attribute__((constructor)) static void on_load(void) {
#if BROKEN_KIND == CTOR_CRASH
  crash();
#elif BROKEN_KIND == CTOR_HANG
  for (;;) sleep(1);
#else
  exit(0);
#endif
}
#endif

#if BROKEN_KIND == FORGED_HUGE_INDEX || BROKEN_KIND == FORGED_INDEX_1000
/* Writes an answer of the host's wire format (u8 ok; per module u8 set + u64 length +
 * bytes; per node i64 module + i32 decision) straight to the answer pipe, then exits 0. */
static void put(int fd, const void* p, size_t n) {
  if (write(fd, p, n) != (ssize_t)n) _exit(3);
}
static void forge(const mx_host_api_t* host, mx_graph_t* graph, int64_t module) {
  int fd = -1;
  for (int i = 3; i < 1024 && fd < 0; ++i) {
    struct stat st;
    if (fstat(i, &st) == 0 && S_ISFIFO(st.st_mode) && (fcntl(i, F_GETFL) & O_ACCMODE) == O_WRONLY) fd = i;
  }
  if (fd < 0) _exit(4);
  uint8_t one = 1;
  put(fd, &one, 1);
  for (int64_t m = 0; m < host->module_count(graph); ++m) {
    uint64_t len = 5;
    put(fd, &one, 1);
    put(fd, &len, sizeof len);
    put(fd, "/Root", 5);
  }
  for (int64_t n = 0; n < host->node_count(graph); ++n) {
    int32_t decision = MX_DECISION_ROOT;
    put(fd, &module, sizeof module);
    put(fd, &decision, sizeof decision);
  }
  _exit(0);
}
#endif

static mx_status_t* tag_modules(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                                int64_t option_count) {
  (void)options;
  (void)option_count;
  for (int64_t m = 0; m < host->module_count(graph); ++m) {
    char tag[64];
    snprintf(tag, sizeof tag, m == 0 ? "/Root" : "/Root/m%lld", (long long)m);
#if BROKEN_KIND == BAD_UTF8_TAG
    if (m == 0) strcpy(tag, "/Root\xff\xfe");
#endif
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
  crash();
#endif
#if BROKEN_KIND == FORGED_HUGE_INDEX
  forge(host, graph, (int64_t)1 << 40);
#endif
#if BROKEN_KIND == FORGED_INDEX_1000
  forge(host, graph, 1000);
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
#if BROKEN_KIND == ENTRY_CRASH
  crash();
#elif BROKEN_KIND == ENTRY_HANG
  for (;;) sleep(1);
#elif BROKEN_KIND == ENTRY_EXIT
  exit(0);
#endif
  return &plugin;
}
