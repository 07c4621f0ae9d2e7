// An ONNX file's bytes without its weights: what the tag tools read, in a few milliseconds
// whatever the model's size.
#pragma once

#include <cstddef>
#include <string>

#include "onnx_io/byte_source.h"

namespace mx {

// The ModelProto in `bytes`, re-encoded with every initializer of the main graph kept
// (name, data type, dims, external data entries) but its inline data dropped. Returns
// false if a field runs past the end (the caller reports it).
bool strip_weights(const ByteSource& in, std::string& out);
bool strip_weights(const char* bytes, size_t size, std::string& out);

}  // namespace mx
