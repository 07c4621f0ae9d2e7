// The model file as LibTorch's loader reads it, large records with two threads at once.
#pragma once

#include <caffe2/serialize/read_adapter_interface.h>

#include <functional>
#include <string>
#include <vector>

namespace mx {

// Why: the loader reads each weight with one read() into a new buffer, and the kernel's work
// for it (faulting in the buffer's pages, copying from the page cache) was most of a 2.8 GB
// model's load, all in one thread (perf). A record of 8 MiB or more is read as two halves,
// the second by a helper thread, so both cores share it.
class ParallelFileReader final : public caffe2::serialize::ReadAdapterInterface {
 public:
  // Throws mx::Error naming `path` if it cannot be opened. The bytes at `shown_as_nul` (file
  // offsets) read as NUL: a NUL in a record's name in the central directory hides that record
  // from LibTorch's lookups (which are by C string).
  // `may_read` (if given) is asked before each read of [pos, pos + n): false fails the read
  // (nothing is read; see CodeChecks in code_checks.h).
  explicit ParallelFileReader(const std::string& path, std::vector<uint64_t> shown_as_nul = {},
                              std::function<bool(uint64_t pos, size_t n)> may_read = {});
  ~ParallelFileReader() override;
  size_t size() const override { return size_; }
  // Bytes read: `n`, or fewer at the end of the file or on an error (the loader then fails).
  size_t read(uint64_t pos, void* buf, size_t n, const char* what = "") const override;

 private:
  int fd_ = -1;
  size_t size_ = 0;
  std::vector<uint64_t> shown_as_nul_;  // sorted
  std::function<bool(uint64_t, size_t)> may_read_;
};

}  // namespace mx
