// Node metadata_props as unknown field 9 (see node_metadata.h).
#include "onnx_io/node_metadata.h"

#include <google/protobuf/unknown_field_set.h>

namespace mx {

void add_node_metadata(onnx::NodeProto& node, const std::string& key, const std::string& value) {
  onnx::StringStringEntryProto entry;
  entry.set_key(key);
  entry.set_value(value);
  node.GetReflection()->MutableUnknownFields(&node)->AddLengthDelimited(kNodeMetadataPropsField,
                                                                        entry.SerializeAsString());
}

std::vector<std::pair<std::string, std::string>> node_metadata(const onnx::NodeProto& node) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto& fields = node.GetReflection()->GetUnknownFields(node);
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& f = fields.field(i);
    if (f.number() != kNodeMetadataPropsField || f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED)
      continue;
    onnx::StringStringEntryProto entry;
    if (entry.ParseFromString(f.length_delimited())) out.emplace_back(entry.key(), entry.value());
  }
  return out;
}

std::string node_metadata(const onnx::NodeProto& node, const std::string& key) {
  for (const auto& [k, v] : node_metadata(node))
    if (k == key) return v;
  return "";
}

void clear_node_metadata(onnx::NodeProto& node) {
  auto* fields = node.GetReflection()->MutableUnknownFields(&node);
  for (int i = fields->field_count(); i-- > 0;)
    if (fields->field(i).number() == kNodeMetadataPropsField) fields->DeleteSubrange(i, 1);
}

void remove_node_metadata(onnx::NodeProto& node, const std::vector<std::string>& keys) {
  auto* fields = node.GetReflection()->MutableUnknownFields(&node);
  for (int i = fields->field_count(); i-- > 0;) {
    const auto& f = fields->field(i);
    if (f.number() != kNodeMetadataPropsField || f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED)
      continue;
    onnx::StringStringEntryProto entry;
    if (!entry.ParseFromString(f.length_delimited())) continue;
    for (const auto& k : keys)
      if (entry.key() == k) {
        fields->DeleteSubrange(i, 1);
        break;
      }
  }
}

}  // namespace mx
