// Re-encodes a ModelProto field by field, dropping the initializers' data fields, without
// parsing anything else: skipping those bytes (not even reading them from the file) is what
// makes it fast.
#include "onnx_io/weightless.h"

#include <google/protobuf/wire_format_lite.h>

#include <algorithm>
#include <cstdint>
#include <functional>

namespace mx {
namespace {

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

// One field of a message: its bytes [start, end) including its tag, and for a length-delimited
// field its payload [payload, end).
struct Field {
  uint32_t number = 0;
  int wire = 0;
  uint64_t start = 0, payload = 0, end = 0;
};

// Calls fn for each field of the message in [begin, end); false on a malformed message.
bool walk(const ByteSource& in, uint64_t begin, uint64_t end, const std::function<void(const Field&)>& fn) {
  for (uint64_t at = begin; at < end;) {
    Field f;
    f.start = at;
    uint64_t tag = 0, value = 0;
    if (!read_varint(in, at, end, tag) || tag == 0 || tag > UINT32_MAX) return false;
    f.number = WireFormatLite::GetTagFieldNumber(static_cast<uint32_t>(tag));
    f.wire = WireFormatLite::GetTagWireType(static_cast<uint32_t>(tag));
    uint64_t skip = 0;
    switch (f.wire) {
      case WireFormatLite::WIRETYPE_VARINT:
        if (!read_varint(in, at, end, value)) return false;
        break;
      case WireFormatLite::WIRETYPE_FIXED64: skip = 8; break;
      case WireFormatLite::WIRETYPE_FIXED32: skip = 4; break;
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED:
        if (!read_varint(in, at, end, skip) || skip > INT32_MAX) return false;
        break;
      default: return false;
    }
    f.payload = at;
    if (skip > end - at) return false;
    at += skip;
    f.end = at;
    fn(f);
  }
  return true;
}

void append(const ByteSource& in, uint64_t from, uint64_t to, std::string& out) {
  while (from < to) {  // in pieces: a source's read is at most what it buffers, plus n
    const size_t n = static_cast<size_t>(std::min<uint64_t>(to - from, 1u << 20));
    out += in.read(from, n);
    from += n;
  }
}

using Filter = std::function<bool(const ByteSource&, uint64_t, uint64_t, std::string&)>;

// Copies the message's fields, passing length-delimited field `nested` through `filter`.
bool copy_filtered(const ByteSource& in, uint64_t begin, uint64_t end, uint32_t nested, const Filter& filter,
                   const std::function<bool(uint32_t)>& drop, std::string& out) {
  bool ok = true;
  bool walked = walk(in, begin, end, [&](const Field& f) {
    if (drop(f.number)) return;
    if (f.number != nested || f.wire != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      append(in, f.start, f.end, out);
      return;
    }
    std::string inner;
    ok = ok && filter(in, f.payload, f.end, inner);
    put_varint(WireFormatLite::MakeTag(f.number, WireFormatLite::WIRETYPE_LENGTH_DELIMITED), out);
    put_varint(inner.size(), out);
    out += inner;
  });
  return walked && ok;
}

bool strip_tensor(const ByteSource& in, uint64_t begin, uint64_t end, std::string& out) {
  return copy_filtered(
      in, begin, end, 0, [](const ByteSource&, uint64_t, uint64_t, std::string&) { return true; }, is_tensor_data,
      out);
}

bool strip_graph(const ByteSource& in, uint64_t begin, uint64_t end, std::string& out) {
  return copy_filtered(in, begin, end, kGraphInitializer, strip_tensor, [](uint32_t) { return false; }, out);
}

}  // namespace

bool strip_weights(const ByteSource& in, std::string& out) {
  out.clear();
  return copy_filtered(in, 0, in.size(), kModelGraph, strip_graph, [](uint32_t) { return false; }, out);
}

bool strip_weights(const char* bytes, size_t size, std::string& out) { return strip_weights(MemorySource(bytes, size), out); }

}  // namespace mx
