// NodeProto.metadata_props (field 9, ONNX IR 10) on Debian's libonnx 1.12, whose NodeProto
// has no accessor for it: written and read as protobuf unknown fields, which protobuf keeps
// and serializes, so ONNX Runtime and newer onnx see ordinary metadata_props.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <utility>
#include <vector>

namespace mx {

constexpr int kNodeMetadataPropsField = 9;

// Appends key=value (does not replace an existing key).
void add_node_metadata(onnx::NodeProto& node, const std::string& key, const std::string& value);
// All key=value pairs in file order.
std::vector<std::pair<std::string, std::string>> node_metadata(const onnx::NodeProto& node);
// The value of `key`, or "" if absent.
std::string node_metadata(const onnx::NodeProto& node, const std::string& key);
void clear_node_metadata(onnx::NodeProto& node);
// Removes the entries whose key is one of `keys`, keeping the others in order.
void remove_node_metadata(onnx::NodeProto& node, const std::vector<std::string>& keys);

}  // namespace mx
