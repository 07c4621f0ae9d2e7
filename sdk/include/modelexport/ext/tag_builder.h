/* Extension "modelexport.tag_builder/1": the host spells module tags the way the shipped
 * strategies do (DESIGN.md's tag format), so that a third-party strategy can give its
 * nodes tags that line up with htp's without copying the rule.
 *
 *   const mx_ext_tag_builder_t* tb = host->get_extension(MX_EXT_TAG_BUILDER);
 *   if (tb) status = tb->tag_modules(graph, NULL);   // in the plugin's tag_modules
 */
#ifndef MODELEXPORT_EXT_TAG_BUILDER_H
#define MODELEXPORT_EXT_TAG_BUILDER_H

#include <modelexport/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MX_EXT_TAG_BUILDER "modelexport.tag_builder/1"

typedef struct mx_ext_tag_builder_t {
  uint32_t struct_size; /* sizeof(mx_ext_tag_builder_t) as the host was built */
  /* ---- 1 ---- */
  /* Sets the tag of every module of the graph (as set_module_tag would): "/" + root class +
   * one segment per visible level, ".N" for list items and ".attr" where siblings share a
   * class. hidden_classes: comma-separated class names that add no segment (a name with a
   * '.' is compared with the qualified class); NULL for the default "ModuleList,ModuleDict".
   * Call it from the plugin's tag_modules. Returns NULL, or a status the plugin returns. */
  mx_status_t* (*tag_modules)(mx_graph_t* graph, const char* hidden_classes);
} mx_ext_tag_builder_t;

#ifdef __cplusplus
}
#endif

#endif /* MODELEXPORT_EXT_TAG_BUILDER_H */
