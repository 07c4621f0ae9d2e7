// Dead-node removal, run before tagging: nodes whose results nobody uses and initializers
// no node uses leave the converted model.
#pragma once

#include "convert/converted_model.h"

namespace mx {

// Removes nodes none of whose outputs is used or a graph output, and initializers no node
// uses; a name read only inside a node's subgraph (an If branch, a Loop body) counts as used.
// Returns the number of nodes removed.
int remove_dead_nodes(ConvertedModel& model);

}  // namespace mx
