// A file mapped read-only for as long as the object lives: how we read ONNX files and
// their external data without copying them into memory.
#pragma once

#include <cstddef>
#include <string>

namespace mx {

class MappedFile {
 public:
  // Throws mx::Error "cannot read 'PATH': REASON", or "'PATH' is not a regular file" +
  // `not_regular_suffix` (e.g. ", not an ONNX file") for a folder, FIFO or device (opened
  // without blocking, so a FIFO swapped in never hangs us).
  MappedFile(const std::string& path, const std::string& not_regular_suffix);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return data_; }  // nullptr for an empty file
  size_t size() const { return size_; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace mx
