// Re-encodes a ModelProto field by field, dropping the initializers' data fields, without
// parsing anything else: skipping those bytes is what makes it fast.
#include "onnx_io/weightless.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>
#include <functional>

namespace mx {
namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

constexpr uint32_t kModelGraph = 7;        // ModelProto.graph
constexpr uint32_t kGraphInitializer = 5;  // GraphProto.initializer
bool is_tensor_data(uint32_t field) {      // TensorProto's float/int32/string/int64/raw/double/uint64 data
  return field == 4 || field == 5 || field == 6 || field == 7 || field == 9 || field == 10 || field == 11;
}

void put_varint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Calls `keep(field, wire, start, end)` for each field of the message in [data, data+size):
// start..end are the field's bytes including its tag. For length-delimited fields,
// `payload` gets the payload range. Returns false on a malformed message.
using FieldFn = std::function<void(uint32_t field, int wire, const char* start, const char* end, const char* payload,
                                   uint32_t length)>;
bool walk(const char* data, size_t size, const FieldFn& fn) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(data), static_cast<int>(size));
  in.SetTotalBytesLimit(INT_MAX);
  while (static_cast<size_t>(in.CurrentPosition()) < size) {
    const char* start = data + in.CurrentPosition();
    uint32_t tag = in.ReadTag();
    if (tag == 0) return false;
    uint32_t field = WireFormatLite::GetTagFieldNumber(tag);
    int wire = WireFormatLite::GetTagWireType(tag);
    uint64_t scratch = 0;
    uint32_t length = 0;
    const char* payload = nullptr;
    bool ok = true;
    switch (wire) {
      case WireFormatLite::WIRETYPE_VARINT: ok = in.ReadVarint64(&scratch); break;
      case WireFormatLite::WIRETYPE_FIXED64: ok = in.Skip(8); break;
      case WireFormatLite::WIRETYPE_FIXED32: ok = in.Skip(4); break;
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED:
        ok = in.ReadVarint32(&length);
        payload = data + in.CurrentPosition();
        ok = ok && in.Skip(static_cast<int>(length));
        break;
      default: ok = false;
    }
    if (!ok) return false;
    fn(field, wire, start, data + in.CurrentPosition(), payload, length);
  }
  return true;
}

// Copies the message's fields, passing length-delimited field `nested` through `filter`.
bool copy_filtered(const char* data, size_t size, uint32_t nested,
                   const std::function<bool(const char*, size_t, std::string&)>& filter,
                   const std::function<bool(uint32_t)>& drop, std::string& out) {
  bool ok = true;
  bool walked = walk(data, size, [&](uint32_t field, int wire, const char* start, const char* end, const char* payload,
                                     uint32_t length) {
    if (drop(field)) return;
    if (field != nested || wire != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      out.append(start, end);
      return;
    }
    std::string inner;
    ok = ok && filter(payload, length, inner);
    put_varint(WireFormatLite::MakeTag(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED), out);
    put_varint(inner.size(), out);
    out += inner;
  });
  return walked && ok;
}

bool strip_tensor(const char* data, size_t size, std::string& out) {
  return copy_filtered(
      data, size, 0, [](const char*, size_t, std::string&) { return true; }, is_tensor_data, out);
}

bool strip_graph(const char* data, size_t size, std::string& out) {
  return copy_filtered(data, size, kGraphInitializer, strip_tensor, [](uint32_t) { return false; }, out);
}

}  // namespace

bool strip_weights(const char* bytes, size_t size, std::string& out) {
  out.clear();
  return copy_filtered(bytes, size, kModelGraph, strip_graph, [](uint32_t) { return false; }, out);
}

}  // namespace mx
