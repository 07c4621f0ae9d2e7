/* The C ABI between modelexport and its tagging strategies (plugins).
 *
 * A plugin is a shared library that exports one symbol, MX_ENTRY_SYMBOL, of type
 * mx_plugin_entry_fn. The host calls it once after loading, passing its function table;
 * the plugin answers with a descriptor that names the ABI version it was built for.
 * Major versions must match; a plugin built for an older minor loads, a newer one does not.
 *
 * Rules that hold everywhere below:
 * - Every struct that crosses the boundary starts with `struct_size`, grows only at the
 *   end, and the reader never touches a field past the size the writer declared.
 * - Indices are int64_t; MX_NONE (-1) means "no such thing".
 * - Errors cross as mx_status_t* (NULL = success), made with mx_host_api_t.status_create.
 *   The host owns and frees every status, including those a plugin returns.
 * - Every string and array the host hands out is owned by the host (strings are
 *   NUL-terminated UTF-8) and lives until the plugin call in which it was obtained
 *   returns. Copy it to keep it.
 * - The host pointer passed to the entry point stays valid until the process exits.
 * - The host calls a plugin from one thread at a time; plugins must not throw or longjmp
 *   across the boundary. */
#ifndef MODELEXPORT_PLUGIN_H
#define MODELEXPORT_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MX_ABI_MAJOR 1
#define MX_ABI_MINOR 0

/* The one version rule, used by the host and by plugins alike: a plugin built against
 * ABI plugin_major.plugin_minor works with a host that speaks host_major.host_minor when
 * the majors are equal and the plugin's minor is not newer than the host's. */
#define MX_ABI_COMPATIBLE 0
#define MX_ABI_OTHER_MAJOR 1  /* majors differ: nothing can be relied on */
#define MX_ABI_NEWER_MINOR 2  /* the plugin expects members this host lacks */
static inline int32_t mx_abi_check(uint32_t plugin_major, uint32_t plugin_minor, uint32_t host_major,
                                   uint32_t host_minor) {
  if (plugin_major != host_major) return MX_ABI_OTHER_MAJOR;
  return plugin_minor > host_minor ? MX_ABI_NEWER_MINOR : MX_ABI_COMPATIBLE;
}
#define MX_ENTRY_SYMBOL "modelexport_plugin_entry"
#define MX_NONE ((int64_t)-1)

#if defined(__GNUC__)
#define MX_EXPORT __attribute__((visibility("default")))
#else
#define MX_EXPORT
#endif

/* Status codes carried by mx_status_t. */
#define MX_STATUS_INVALID_ARGUMENT 1 /* an index out of range, a NULL pointer, an unknown option */
#define MX_STATUS_NOT_FOUND 2
#define MX_STATUS_FAILED 3 /* anything else */

/* How a node's tag was decided; written to the node as `modelexport.decision`. */
#define MX_DECISION_DIRECT 1   /* the node computes an op called in that module's own forward */
#define MX_DECISION_TRACE 2    /* a helper node whose trace entry lies in that module */
#define MX_DECISION_CONSUMER 3 /* inherited from the nodes that consume its outputs */
#define MX_DECISION_PRODUCER 4 /* inherited from the nodes that produce its inputs */
#define MX_DECISION_PARENT 5   /* the closest common ancestor of several candidates */
#define MX_DECISION_ROOT 6     /* nothing better was known: the root module */

/* Log levels for mx_host_api_t.log. */
#define MX_LOG_DEBUG 0
#define MX_LOG_INFO 1
#define MX_LOG_WARNING 2

typedef struct mx_status_t mx_status_t; /* opaque, owned by the host */
typedef struct mx_graph_t mx_graph_t;   /* opaque view of one converted graph */

/* One key=value option: from the plugin's manifest `settings`, then --strategy-opt (a later
 * key overrides an earlier one). Passed as an array, so this struct never grows. */
typedef struct mx_option_t {
  const char* key;
  const char* value;
} mx_option_t;

/* One ONNX node. Filled by mx_host_api_t.get_node. */
typedef struct mx_node_t {
  uint32_t struct_size; /* set by the caller to sizeof(mx_node_t) */
  const char* name;     /* unique node name */
  const char* op_type;  /* ONNX op type, e.g. "Conv" */
  const char* domain;   /* "" for the default ONNX domain */
  int64_t input_count;
  const int64_t* inputs; /* value indices; MX_NONE for an omitted optional input */
  int64_t output_count;
  const int64_t* outputs; /* value indices */
  int64_t trace_entry;    /* the trace entry (executed op) it came from, or MX_NONE */
  int32_t is_primary;     /* 1: computes the traced op itself; 0: a helper the converter added */
} mx_node_t;

/* Where a value comes from. */
#define MX_VALUE_INTERMEDIATE 0
#define MX_VALUE_GRAPH_INPUT 1
#define MX_VALUE_INITIALIZER 2

/* One ONNX value (tensor edge). Filled by mx_host_api_t.get_value. */
typedef struct mx_value_t {
  uint32_t struct_size; /* set by the caller to sizeof(mx_value_t) */
  const char* name;
  int32_t kind;            /* MX_VALUE_* */
  int32_t is_graph_output; /* 1 if it is an output of the graph */
  int64_t producer;        /* node index, MX_NONE for inputs and initializers */
  int64_t consumer_count;
  const int64_t* consumers; /* node indices, in graph order */
  int64_t owner_module;     /* module owning the parameter or buffer, or MX_NONE */
  int32_t elem_type;        /* ONNX TensorProto data type, 0 if unknown */
  int64_t rank;             /* -1 if unknown */
  const int64_t* dims;      /* rank entries; -1 for a dynamic dimension */
  /* The trace entry whose op computed the traced value this ONNX value carries (for a
   * constant: the op that made it, even if folded), or MX_NONE (graph inputs, parameters,
   * values only a converter helper made). Tells which module's code created the value. */
  int64_t trace_entry;
} mx_value_t;

/* One op executed during the trace. Filled by mx_host_api_t.get_trace_entry. */
typedef struct mx_trace_entry_t {
  uint32_t struct_size;        /* set by the caller to sizeof(mx_trace_entry_t) */
  const char* op;              /* e.g. "aten::add" */
  const char* overload;        /* e.g. "Tensor"; "" when the op has none */
  int64_t module_stack_size;   /* >= 1 */
  const int64_t* module_stack; /* module calls, outermost first; [0] is the root (0) */
} mx_trace_entry_t;

/* One module instance of the model's tree; index 0 is the root. */
typedef struct mx_module_t {
  uint32_t struct_size;        /* set by the caller to sizeof(mx_module_t) */
  const char* path;            /* dotted, as named_modules() spells it; "" for the root */
  const char* attr;            /* attribute name in its parent ("0" for list items); "" for root */
  const char* class_name;      /* short class name, e.g. "BasicBlock" */
  const char* qualified_class; /* e.g. "torchvision.models.resnet.BasicBlock" */
  int64_t parent;              /* MX_NONE for the root */
  int64_t child_count;
  const int64_t* children; /* module indices, in definition order */
  int64_t call_count;      /* how often its forward ran in the trace */
} mx_module_t;

/* The host's function table. Append-only: members are added at the end with a minor bump.
 * A plugin must not call a member newer than the host's abi_minor. */
typedef struct mx_host_api_t {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  /* ---- 1.0 ---- */
  /* Makes a status to return from a plugin function. message is copied. Never NULL.
   * The host frees statuses that are returned to it; release any other with status_release. */
  mx_status_t* (*status_create)(int32_t code, const char* message);
  /* Frees a status the plugin will not return (e.g. to replace it by one with more context). */
  void (*status_release)(mx_status_t* status);
  /* The message of a status; lives as long as the status. */
  const char* (*status_message)(const mx_status_t* status);
  /* Writes one line to the host's log, prefixed with the plugin's name. */
  void (*log)(const mx_graph_t* graph, int32_t level, const char* message);
  int64_t (*node_count)(const mx_graph_t* graph);
  int64_t (*value_count)(const mx_graph_t* graph);
  int64_t (*trace_entry_count)(const mx_graph_t* graph);
  int64_t (*module_count)(const mx_graph_t* graph);
  /* Fill *out (whose struct_size the caller set); INVALID_ARGUMENT for a bad index. */
  mx_status_t* (*get_node)(const mx_graph_t* graph, int64_t node, mx_node_t* out);
  mx_status_t* (*get_value)(const mx_graph_t* graph, int64_t value, mx_value_t* out);
  mx_status_t* (*get_trace_entry)(const mx_graph_t* graph, int64_t entry, mx_trace_entry_t* out);
  mx_status_t* (*get_module)(const mx_graph_t* graph, int64_t module, mx_module_t* out);
  /* Tag builder output: the tag of one module, e.g. "/ResNet/Sequential.layer2". Copied.
   * Called from tag_modules, once per module. */
  mx_status_t* (*set_module_tag)(mx_graph_t* graph, int64_t module, const char* tag);
  /* The tag set for a module, or NULL if none was set yet. */
  const char* (*get_module_tag)(const mx_graph_t* graph, int64_t module);
  /* Tagger output: node belongs to module, decided as decision (MX_DECISION_*).
   * The node's tag is the module's tag. Called from tag_nodes; a later call for the same
   * node replaces the earlier one. */
  mx_status_t* (*set_node_tag)(mx_graph_t* graph, int64_t node, int64_t module, int32_t decision);
  /* Optional capabilities, looked up by id with a revision ("modelexport.x/1"); NULL if absent. */
  const void* (*get_extension)(const char* id);
  /* How nodes of an auxiliary ONNX op type (e.g. "Shape") inherit a tag, as the plugin
   * manifests' `auxiliary:` entries declare: MX_DECISION_CONSUMER or MX_DECISION_PRODUCER
   * for the side to look at first, 0 if no manifest declares op_type. */
  int32_t (*auxiliary_inherit)(const mx_graph_t* graph, const char* op_type);
} mx_host_api_t;

/* What a plugin returns from its entry point. Lives as long as the library is loaded. */
typedef struct mx_plugin_t {
  uint32_t struct_size; /* sizeof(mx_plugin_t) as the plugin was compiled */
  uint32_t abi_major;   /* MX_ABI_MAJOR the plugin was compiled against */
  uint32_t abi_minor;   /* MX_ABI_MINOR the plugin was compiled against */
  const char* name;     /* strategy name; must equal the manifest's name */
  const char* version;  /* the plugin's own version, e.g. "0.1.0" */
  /* ---- 1.0 ---- */
  /* The tag builder: call host->set_module_tag once for every module. Reject unknown
   * option keys with MX_STATUS_INVALID_ARGUMENT naming the key. Called first. */
  mx_status_t* (*tag_modules)(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                              int64_t option_count);
  /* The tagger: call host->set_node_tag once for every node. Called after tag_modules on
   * the same graph with the same options; module tags are readable via get_module_tag. */
  mx_status_t* (*tag_nodes)(const mx_host_api_t* host, mx_graph_t* graph, const mx_option_t* options,
                            int64_t option_count);
  /* Optional capabilities by id, like the host's; may be NULL. */
  const void* (*get_extension)(const char* id);
} mx_plugin_t;

/* The one exported symbol. Returns NULL to refuse the host (e.g. another major version). */
typedef const mx_plugin_t* (*mx_plugin_entry_fn)(const mx_host_api_t* host);

#ifdef __cplusplus
}
#endif

#endif /* MODELEXPORT_PLUGIN_H */
