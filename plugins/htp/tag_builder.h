// The htp tag builder: module tree -> one tag per module.
#ifndef MODELEXPORT_PLUGINS_HTP_TAG_BUILDER_H
#define MODELEXPORT_PLUGINS_HTP_TAG_BUILDER_H

#include "common.h"

#include <string>
#include <vector>

namespace htp {

// Tags indexed by module. "/" + root class + one segment per visible level; a hidden
// module gets its visible parent's tag; distinct visible modules get distinct tags.
std::vector<std::string> build_module_tags(const ModuleTree& tree);

}  // namespace htp

#endif
