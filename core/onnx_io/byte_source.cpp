// pread, in blocks, and the protobuf varint.
#include "onnx_io/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace mx {

constexpr size_t kBlock = 1 << 16;  // what a walk skipping weights reads past each one, at most

FileSource::FileSource(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // swapped for a FIFO: fstat refuses it
  if (fd_ < 0) throw Error("cannot read '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw Error("'" + path + "' is not a regular file, not an ONNX file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

FileSource::~FileSource() { ::close(fd_); }

std::string_view FileSource::read(uint64_t at, size_t n) const {
  if (at >= buffer_from_ && at + n <= buffer_from_ + buffer_.size())
    return std::string_view(buffer_).substr(at - buffer_from_, n);
  buffer_.resize(std::max<size_t>(n, std::min<uint64_t>(kBlock, size_ - at)));
  buffer_from_ = at;
  for (size_t done = 0; done < buffer_.size();) {
    ssize_t got = ::pread(fd_, buffer_.data() + done, buffer_.size() - done, static_cast<off_t>(at + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      buffer_.clear();
      throw Error("cannot read '" + path_ + "': " + std::strerror(errno));
    }
    if (got == 0) {
      buffer_.clear();
      throw Error("'" + path_ + "' got shorter while it was read (" + std::to_string(size_) + " bytes when opened, " +
                  std::to_string(at + done) + " now): was it being written or replaced?");
    }
    done += static_cast<size_t>(got);
  }
  return std::string_view(buffer_).substr(0, n);
}

bool read_varint(const ByteSource& in, uint64_t& at, uint64_t end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (at >= end) return false;
    const auto byte = static_cast<unsigned char>(in.read(at++, 1)[0]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace mx
