// Protobuf messages as the JSON our files and --json outputs use: indented, every field
// printed (zeros too), field names as written in the .proto files.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace mx {

// Throws mx::Error if protobuf cannot print the message.
std::string message_json(const google::protobuf::Message& message);

}  // namespace mx
