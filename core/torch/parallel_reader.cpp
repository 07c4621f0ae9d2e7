// See parallel_reader.h.
#include "torch/parallel_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>

#include "base/error.h"

namespace mx {
namespace {

constexpr size_t kSplit = 8 << 20;

size_t pread_all(int fd, char* buf, size_t n, uint64_t pos) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(pos + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

}  // namespace

ParallelFileReader::ParallelFileReader(const std::string& path, std::vector<uint64_t> shown_as_nul,
                                       std::function<bool(uint64_t, size_t)> may_read)
    : shown_as_nul_(std::move(shown_as_nul)), may_read_(std::move(may_read)) {
  std::sort(shown_as_nul_.begin(), shown_as_nul_.end());
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
    const int e = errno;
    if (fd_ >= 0) ::close(fd_);
    throw Error("cannot read model file '" + path + "': " + std::strerror(e));
  }
  size_ = static_cast<size_t>(st.st_size);
}

ParallelFileReader::~ParallelFileReader() { ::close(fd_); }

size_t ParallelFileReader::read(uint64_t pos, void* buf, size_t n, const char*) const {
  if (may_read_ && !may_read_(pos, n)) return 0;
  char* out = static_cast<char*>(buf);
  size_t got = 0;
  if (n < kSplit) {
    got = pread_all(fd_, out, n, pos);
  } else {
    const size_t first = n / 2 / 4096 * 4096;  // the second half starts on a page of the buffer's
    auto second = std::async(std::launch::async, [&] { return pread_all(fd_, out + first, n - first, pos + first); });
    const size_t a = pread_all(fd_, out, first, pos);
    const size_t b = second.get();
    got = a < first ? a : first + b;
  }
  for (auto at = std::lower_bound(shown_as_nul_.begin(), shown_as_nul_.end(), pos);
       at != shown_as_nul_.end() && *at < pos + got; ++at)
    out[*at - pos] = '\0';
  return got;
}

}  // namespace mx
