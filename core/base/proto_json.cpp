// Protobuf's JSON printer with the options all our JSON shares.
#include "base/proto_json.h"

#include <google/protobuf/util/json_util.h>

#include "base/error.h"

namespace mx {

std::string message_json(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = true;
  opts.always_print_primitive_fields = true;
  opts.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(m, &json, opts);
  if (!status.ok()) throw Error("cannot format " + m.GetTypeName() + " as JSON: " + status.ToString());
  return json;
}

}  // namespace mx
