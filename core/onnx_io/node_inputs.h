// The names a node reads: its inputs and what its subgraphs (If branches, Loop and Scan
// bodies) read from the scopes around them.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace mx {

// Every name `node` reads, in order, empty (omitted optional) inputs left out; a subgraph's
// reads of names it defines itself (its inputs, initializers, earlier nodes' outputs) are
// not counted, so a body that shadows an outer name does not read it.
std::vector<std::string> node_inputs(const onnx::NodeProto& node);

}  // namespace mx
