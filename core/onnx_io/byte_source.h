// Bytes read at offsets, from memory or from a file with pread: a file that is cut short
// while we read it gives an mx::Error, where a mapping of it would raise SIGBUS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mx {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // The n bytes at `at` (at + n <= size()), valid until the next call. Throws mx::Error if
  // they cannot be read.
  virtual std::string_view read(uint64_t at, size_t n) const = 0;
};

class MemorySource : public ByteSource {
 public:
  MemorySource(const char* data, size_t size) : data_(data), size_(size) {}
  uint64_t size() const override { return size_; }
  std::string_view read(uint64_t at, size_t n) const override { return {data_ + at, n}; }

 private:
  const char* data_;
  size_t size_;
};

// A regular file, its size taken when it is opened; reads go through a buffer of 64 KiB
// (the walks over a model read it front to back, skipping the weights).
class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path);  // throws mx::Error: unreadable, not a regular file
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  uint64_t size() const override { return size_; }
  std::string_view read(uint64_t at, size_t n) const override;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  mutable std::string buffer_;
  mutable uint64_t buffer_from_ = 0;
};

// Reads the varint at `at` (before `end`) into `v` and moves `at` past it; false if it runs
// past `end` or over 10 bytes.
bool read_varint(const ByteSource& in, uint64_t& at, uint64_t end, uint64_t& v);

}  // namespace mx
