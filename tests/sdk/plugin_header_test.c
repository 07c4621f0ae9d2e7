/* The plugin header compiles as C11 under -Wall -Wextra -pedantic -Werror, and its
 * released layout holds: every crossing struct starts with its size, and the host
 * table's 1.0 members stay where they are. */
#include <modelexport/ext/tag_builder.h>
#include <modelexport/plugin.h>

#include <assert.h>
#include <stddef.h>

static_assert(offsetof(mx_node_t, struct_size) == 0, "mx_node_t starts with struct_size");
static_assert(offsetof(mx_value_t, struct_size) == 0, "mx_value_t starts with struct_size");
static_assert(offsetof(mx_trace_entry_t, struct_size) == 0, "mx_trace_entry_t starts with struct_size");
static_assert(offsetof(mx_module_t, struct_size) == 0, "mx_module_t starts with struct_size");
static_assert(offsetof(mx_ext_tag_builder_t, struct_size) == 0, "mx_ext_tag_builder_t starts with struct_size");
static_assert(offsetof(mx_ext_tag_builder_t, tag_modules) == 8, "tag_builder/1 keeps its layout");
static_assert(offsetof(mx_host_api_t, struct_size) == 0, "mx_host_api_t starts with struct_size");
static_assert(offsetof(mx_plugin_t, struct_size) == 0, "mx_plugin_t starts with struct_size");
/* ABI 1.0 on LP64: the last members of the released version may never move. */
#if UINTPTR_MAX == 0xffffffffffffffffu
static_assert(offsetof(mx_host_api_t, get_extension) == 136, "host table 1.0 layout");
static_assert(offsetof(mx_host_api_t, auxiliary_inherit) == 144, "host table 1.0 layout");
static_assert(offsetof(mx_plugin_t, get_extension) == 48, "plugin descriptor 1.0 layout");
static_assert(offsetof(mx_node_t, is_primary) == 72, "mx_node_t 1.0 layout");
static_assert(offsetof(mx_value_t, dims) == 72, "mx_value_t 1.0 layout");
static_assert(offsetof(mx_value_t, trace_entry) == 80, "mx_value_t 1.0 layout");
static_assert(offsetof(mx_trace_entry_t, module_stack) == 32, "mx_trace_entry_t 1.0 layout");
static_assert(offsetof(mx_module_t, call_count) == 64, "mx_module_t 1.0 layout");
#endif

int main(void) { return MX_ABI_MAJOR == 1 ? 0 : 1; }
