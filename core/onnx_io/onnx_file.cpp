// ONNX file reading: a scan of the top-level protobuf fields tells "not ONNX" from
// "truncated" before the real parse, because protobuf's own parser only says "failed".
#include "onnx_io/onnx_file.h"

#include <google/protobuf/wire_format_lite.h>

#include <climits>
#include <cstdint>
#include <filesystem>

#include "base/error.h"
#include "base/input_file.h"
#include "onnx_io/byte_source.h"
#include "onnx_io/weightless.h"

namespace mx {
namespace {

using google::protobuf::internal::WireFormatLite;

// ModelProto's field numbers (onnx.proto, IR 10) and the wire type each must have.
int expected_wire_type(uint32_t field) {
  switch (field) {
    case 1:
    case 5: return WireFormatLite::WIRETYPE_VARINT;  // ir_version, model_version
    case 2:
    case 3:
    case 4:
    case 6:
    case 7:
    case 8:
    case 14:
    case 20:
    case 25: return WireFormatLite::WIRETYPE_LENGTH_DELIMITED;  // strings, graph, opsets, metadata, ...
    default: return -1;                                         // unknown to us: any valid wire type
  }
}

struct Scan {
  enum Kind { kWhole, kNotOnnx, kTruncated } kind = kWhole;
  std::string detail;
};

// Walks the top-level fields without parsing them.
Scan scan_fields(const ByteSource& in) {
  const uint64_t size = in.size();
  for (uint64_t at = 0; at < size;) {
    const uint64_t start = at;
    uint64_t tag = 0, length = 0;
    if (!read_varint(in, at, size, tag))
      return {Scan::kTruncated, "the file ends inside the tag at byte " + std::to_string(start)};
    const uint32_t field = tag > UINT32_MAX ? 0 : WireFormatLite::GetTagFieldNumber(static_cast<uint32_t>(tag));
    const int wire = WireFormatLite::GetTagWireType(static_cast<uint32_t>(tag));
    const int want = expected_wire_type(field);
    if (field == 0 || (want >= 0 && wire != want) || wire == WireFormatLite::WIRETYPE_START_GROUP ||
        wire == WireFormatLite::WIRETYPE_END_GROUP || wire > WireFormatLite::WIRETYPE_FIXED32)
      return {Scan::kNotOnnx, "byte " + std::to_string(start) + " is no ModelProto field"};
    const Scan ends_inside{Scan::kTruncated, "the file ends inside field " + std::to_string(field)};
    switch (wire) {
      case WireFormatLite::WIRETYPE_VARINT:
        if (!read_varint(in, at, size, length)) return ends_inside;
        length = 0;
        break;
      case WireFormatLite::WIRETYPE_FIXED64: length = 8; break;
      case WireFormatLite::WIRETYPE_FIXED32: length = 4; break;
      default:
        if (!read_varint(in, at, size, length)) return ends_inside;
        if (length > size - at)
          return {Scan::kTruncated, "field " + std::to_string(field) + " at byte " + std::to_string(start) + " needs " +
                                        std::to_string(length) + " bytes but the file ends " +
                                        std::to_string(size - start) + " bytes after it"};
    }
    if (length > size - at) return ends_inside;
    at += length;
  }
  return {};
}

// `whole` is the same bytes in one piece, or null: a file read without its weights is never
// read whole (FileSource reads what the walk needs).
onnx::ModelProto parse_onnx(const ByteSource& in, const char* whole, const std::string& label, bool weights) {
  const std::string who = "'" + label + "'";
  const uint64_t size = in.size();
  if (size == 0) throw Error(who + " is empty, not an ONNX model");
  if (size > static_cast<uint64_t>(INT_MAX))
    throw Error(who + " is over 2 GiB, more than one protobuf message can hold: not an ONNX file of ours");
  Scan scan = scan_fields(in);
  if (scan.kind == Scan::kTruncated)
    throw Error(who + " is a truncated ONNX file: " + scan.detail + " (was it copied or written completely?)");
  if (scan.kind == Scan::kNotOnnx) throw Error(who + " is not an ONNX file: " + scan.detail);
  onnx::ModelProto model;
  bool parsed = false;
  if (weights) {
    parsed = model.ParseFromArray(whole, static_cast<int>(size));
  } else {
    std::string graph_only;
    parsed = strip_weights(in, graph_only) && model.ParseFromString(graph_only);
  }
  if (!parsed) throw Error(who + " is a damaged ONNX file: protobuf cannot parse its graph");
  if (!model.has_graph()) throw Error(who + " is not an ONNX model: it has no graph");
  if (model.opset_import_size() == 0)
    throw Error(who + " is an incomplete ONNX model: it has no opset_import (truncated?)");
  return model;
}

}  // namespace

onnx::ModelProto parse_onnx_bytes(const std::string& bytes, const std::string& label, bool weights) {
  return parse_onnx(MemorySource(bytes.data(), bytes.size()), bytes.data(), label, weights);
}

onnx::ModelProto read_onnx_file(const std::string& path, bool weights) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("ONNX file '" + path + "' does not exist");
  if (std::filesystem::is_directory(path, ec)) throw Error("'" + path + "' is a folder, not an ONNX file");
  check_regular_input(path, "ONNX file");  // by type, before open() could block on a FIFO
  // Read with pread, never mapped: a file cut short under us is an error, not SIGBUS.
  FileSource file(path);
  if (!weights || file.size() == 0 || file.size() > static_cast<uint64_t>(INT_MAX))
    return parse_onnx(file, nullptr, path, weights);
  const std::string_view whole = file.read(0, static_cast<size_t>(file.size()));  // the parse needs it all
  return parse_onnx(MemorySource(whole.data(), whole.size()), whole.data(), path, weights);
}

}  // namespace mx
