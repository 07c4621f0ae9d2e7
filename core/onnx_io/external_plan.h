// Which initializers of a model go to ONNX external data, and where in the one data file
// beside the model (`OUT.onnx.data`) each one's bytes start; and the writing of that file.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/atomic_write.h"
#include "convert/converted_model.h"

namespace mx {

struct ExternalDataOptions {
  enum class Mode { Auto, Always, Never };
  // Auto: external data only when the model would not fit in one protobuf (2 GiB).
  Mode mode = Mode::Auto;
  // Tensors of fewer bytes stay inline (ONNX's own default is 1024).
  uint64_t threshold = 1024;
};

// The most bytes one protobuf message (so one .onnx file without external data) can hold.
constexpr uint64_t kProtobufLimit = 0x7fffffff;
// ONNX Runtime maps a data file's tensors into memory when their offset is a multiple of
// the allocation granularity (4 KiB on Linux, 64 KiB on Windows) and pads tensors over
// 1 MiB to it when it saves (onnxruntime's ModelSavingOptions): we pad those to 64 KiB,
// which serves both, and smaller ones to 64 bytes (SIMD loads, little waste).
constexpr uint64_t kLargeTensorBytes = 1 << 20;
constexpr uint64_t kLargeTensorAlignment = 1 << 16;
constexpr uint64_t kSmallTensorAlignment = 64;

struct ExternalEntry {
  std::string name;
  uint64_t offset = 0, length = 0;
};

struct ExternalPlan {
  std::string location;                           // the data file's name beside the model
  std::vector<ExternalEntry> entries;             // in file order, offsets increasing
  std::unordered_map<std::string, size_t> index;  // initializer name -> entries index
  uint64_t data_bytes = 0;                        // the data file's size

  bool empty() const { return entries.empty(); }
  const ExternalEntry* find(const std::string& name) const;
};

// The plan for writing `m` with its data file named `location`. Auto: empty when the
// inline file would be at most `limit` bytes (a parameter so that tests can use a small
// one), else as Always. Always: every initializer with at least `threshold` bytes of data
// (raw or external bytes; typed fields such as float_data stay inline). Never: empty.
ExternalPlan plan_external_data(const ConvertedModel& m, const ExternalDataOptions& options,
                                const std::string& location, uint64_t limit = kProtobufLimit);

// An upper bound of the bytes `m` takes written (model and data file, padding aside).
uint64_t written_bytes_bound(const ConvertedModel& m);

// The file name of the data file beside `onnx_path` ("m.onnx" -> "m.onnx.data").
std::string data_file_name(const std::string& onnx_path);
// Its path ("out/m.onnx" -> "out/m.onnx.data").
std::string data_file_path(const std::string& onnx_path);

// Writes the data file of `plan`: each tensor's bytes at its offset, zeros between, read
// straight from where they are (LibTorch's memory or a mapped source file).
void write_external_data(const ConvertedModel& m, const ExternalPlan& plan, std::ostream& out);
// The same into the new, empty file `fd` in large blocks that bypass the page cache
// (base/block_writer.h); returns 0 or the errno of a failed write.
int write_external_data(const ConvertedModel& m, const ExternalPlan& plan, int fd);

// The files that write `m` to `onnx_path` with `plan`: the model first (its rename commits
// the set, see write_outputs_atomically), then the data file when the plan has entries, else
// the removal of a data file an earlier export left at that path.
// Callers append the sidecar. `m` and `plan` must outlive the writing.
std::vector<OutputFile> model_files(ConvertedModel& m, const std::string& onnx_path, const ExternalPlan& plan);

}  // namespace mx
