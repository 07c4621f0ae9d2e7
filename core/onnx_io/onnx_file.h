// Reading an ONNX file given by a user, with one clear message for each way it can be wrong.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

namespace mx {

// Parses `path` as an ONNX ModelProto. Throws mx::Error naming the file and the reason: it
// does not exist, is empty, is not ONNX (not a protobuf ModelProto), is truncated (a field
// runs past the end of the file), or has no graph or opset.
// With `weights` false, initializers keep their name, type and dims but no bytes (for tools
// that read the graph and its tags only: a model's weights are most of its file).
onnx::ModelProto read_onnx_file(const std::string& path, bool weights = true);

// The same checks on bytes already read; `label` names them in messages.
onnx::ModelProto parse_onnx_bytes(const std::string& bytes, const std::string& label, bool weights = true);

}  // namespace mx
