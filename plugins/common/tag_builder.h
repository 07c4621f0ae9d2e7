// The tag builder of the shipped strategies: module tree -> one tag per module, as
// DESIGN.md spells tags.
#ifndef MODELEXPORT_PLUGINS_COMMON_TAG_BUILDER_H
#define MODELEXPORT_PLUGINS_COMMON_TAG_BUILDER_H

#include "module_tree.h"

#include <string>
#include <vector>

namespace mxp {

// Tags indexed by module. "/" + root class + one segment per visible level; a hidden
// module gets its visible parent's tag; distinct visible modules get distinct tags.
std::vector<std::string> build_module_tags(const ModuleTree& tree);

}  // namespace mxp

#endif
