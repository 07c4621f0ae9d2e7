// ONNX file reading: a scan of the top-level protobuf fields tells "not ONNX" from
// "truncated" before the real parse, because protobuf's own parser only says "failed".
#include "onnx_io/onnx_file.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include "base/error.h"
#include "base/input_file.h"
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
Scan scan_fields(const char* data, size_t size) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(data), static_cast<int>(size));
  in.SetTotalBytesLimit(INT_MAX);
  for (;;) {
    const int at = in.CurrentPosition();
    if (at == static_cast<int>(size)) return {};
    const uint32_t tag = in.ReadTag();
    const uint32_t field = WireFormatLite::GetTagFieldNumber(tag);
    const int wire = WireFormatLite::GetTagWireType(tag);
    const int want = expected_wire_type(field);
    if (field == 0 || (want >= 0 && wire != want) || wire == WireFormatLite::WIRETYPE_START_GROUP ||
        wire == WireFormatLite::WIRETYPE_END_GROUP || wire > WireFormatLite::WIRETYPE_FIXED32)
      return {Scan::kNotOnnx, "byte " + std::to_string(at) + " is no ModelProto field"};
    uint64_t scratch = 0;
    uint32_t length = 0;
    bool ok = true;
    switch (wire) {
      case WireFormatLite::WIRETYPE_VARINT: ok = in.ReadVarint64(&scratch); break;
      case WireFormatLite::WIRETYPE_FIXED64: ok = in.ReadLittleEndian64(&scratch); break;
      case WireFormatLite::WIRETYPE_FIXED32: ok = in.Skip(4); break;
      default:
        if (!in.ReadVarint32(&length)) {
          ok = false;
        } else if (!in.Skip(static_cast<int>(length))) {
          return {Scan::kTruncated, "field " + std::to_string(field) + " at byte " + std::to_string(at) + " needs " +
                                        std::to_string(length) + " bytes but the file ends " +
                                        std::to_string(size - static_cast<size_t>(at)) + " bytes after it"};
        }
    }
    if (!ok) return {Scan::kTruncated, "the file ends inside field " + std::to_string(field)};
  }
}

onnx::ModelProto parse_onnx(const char* data, size_t size, const std::string& label, bool weights) {
  const std::string who = "'" + label + "'";
  if (size == 0) throw Error(who + " is empty, not an ONNX model");
  if (size > static_cast<size_t>(INT_MAX))
    throw Error(who + " is over 2 GiB, more than one protobuf message can hold: not an ONNX file of ours");
  Scan scan = scan_fields(data, size);
  if (scan.kind == Scan::kTruncated)
    throw Error(who + " is a truncated ONNX file: " + scan.detail + " (was it copied or written completely?)");
  if (scan.kind == Scan::kNotOnnx) throw Error(who + " is not an ONNX file: " + scan.detail);
  onnx::ModelProto model;
  bool parsed = false;
  if (weights) {
    parsed = model.ParseFromArray(data, static_cast<int>(size));
  } else {
    std::string graph_only;
    parsed = strip_weights(data, size, graph_only) && model.ParseFromString(graph_only);
  }
  if (!parsed) throw Error(who + " is a damaged ONNX file: protobuf cannot parse its graph");
  if (!model.has_graph()) throw Error(who + " is not an ONNX model: it has no graph");
  if (model.opset_import_size() == 0)
    throw Error(who + " is an incomplete ONNX model: it has no opset_import (truncated?)");
  return model;
}

// The file mapped read-only for as long as it is parsed.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // swapped for a FIFO: fstat refuses it
    if (fd < 0) throw Error("cannot read '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw Error("'" + path + "' is not a regular file, not an ONNX file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        throw Error("cannot read '" + path + "': " + std::strerror(errno));
      }
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

onnx::ModelProto parse_onnx_bytes(const std::string& bytes, const std::string& label, bool weights) {
  return parse_onnx(bytes.data(), bytes.size(), label, weights);
}

onnx::ModelProto read_onnx_file(const std::string& path, bool weights) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("ONNX file '" + path + "' does not exist");
  if (std::filesystem::is_directory(path, ec)) throw Error("'" + path + "' is a folder, not an ONNX file");
  check_regular_input(path, "ONNX file");  // by type, before open() could block on a FIFO
  MappedFile file(path);
  return parse_onnx(file.data(), file.size(), path, weights);
}

}  // namespace mx
