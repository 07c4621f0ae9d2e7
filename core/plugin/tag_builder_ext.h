// The host's side of the "modelexport.tag_builder/1" extension (sdk ext/tag_builder.h).
#pragma once

#include <modelexport/ext/tag_builder.h>

namespace mx {

const mx_ext_tag_builder_t* tag_builder_extension();

}  // namespace mx
