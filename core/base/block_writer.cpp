// See block_writer.h. The caller fills one block while the thread writes another; three
// buffers keep both busy.
#include "base/block_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

namespace mx {
namespace {

constexpr size_t kAlign = 4096;  // memory, offsets and lengths of O_DIRECT writes
constexpr int kBuffers = 3;

bool set_direct(int fd, bool on) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  return ::fcntl(fd, F_SETFL, on ? flags | O_DIRECT : flags & ~O_DIRECT) == 0;
}

}  // namespace

BlockWriter::BlockWriter(int fd) : fd_(fd) {
  for (int i = 0; i < kBuffers; ++i) {
    void* p = std::aligned_alloc(kAlign, kBlock);
    if (!p) {
      for (char* b : buffers_) std::free(b);
      throw std::bad_alloc();
    }
    buffers_.push_back(static_cast<char*>(p));
  }
  current_.bytes = buffers_[0];
  free_.assign(buffers_.begin() + 1, buffers_.end());
  direct_ = set_direct(fd_, true);
  thread_ = std::thread([this] { run(); });
}

BlockWriter::~BlockWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_.clear();  // not finished: what is not written yet is not wanted
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (char* b : buffers_) std::free(b);
}

bool BlockWriter::append(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    size_t take = std::min(n, kBlock - current_.used);
    std::memcpy(current_.bytes + current_.used, p, take);
    current_.used += take, size_ += take, p += take, n -= take;
    if (current_.used == kBlock && !flush_current()) return false;
  }
  return true;
}

bool BlockWriter::zeros(size_t n) {
  while (n > 0) {
    size_t take = std::min(n, kBlock - current_.used);
    std::memset(current_.bytes + current_.used, 0, take);
    current_.used += take, size_ += take, n -= take;
    if (current_.used == kBlock && !flush_current()) return false;
  }
  return true;
}

bool BlockWriter::flush_current() {
  std::unique_lock<std::mutex> lock(mutex_);
  queued_.push_back(current_);
  changed_.notify_all();
  changed_.wait(lock, [&] { return !free_.empty() || error_ != 0; });
  if (error_ != 0) return false;
  current_ = Block{free_.back(), 0, current_.offset + kBlock};
  free_.pop_back();
  return true;
}

int BlockWriter::finish() {
  if (current_.used > 0) flush_current();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (direct_) set_direct(fd_, false);
  // The last block went out padded to the alignment: cut the file to what was appended.
  if (error_ == 0 && size_ % kAlign != 0 && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0) error_ = errno;
  return error_;
}

int BlockWriter::error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

void BlockWriter::run() {
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !queued_.empty() || stop_; });
    if (queued_.empty()) return;
    Block b = queued_.front();
    queued_.pop_front();
    lock.unlock();
    bool ok = error_ == 0 && write_block(b);  // error_ is only written by this thread
    lock.lock();
    free_.push_back(b.bytes);
    changed_.notify_all();
    if (!ok) {
      queued_.clear();
      return;
    }
  }
}

bool BlockWriter::write_block(const Block& b) {
  const size_t length = (b.used + kAlign - 1) / kAlign * kAlign;
  std::memset(b.bytes + b.used, 0, length - b.used);
  size_t done = 0;
  while (done < length) {
    ssize_t w = ::pwrite(fd_, b.bytes + done, length - done, static_cast<off_t>(b.offset + done));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL && direct_ && set_direct(fd_, false)) {  // refused after all: page cache
      direct_ = false;
      continue;
    }
    if (w <= 0) {
      const int e = w < 0 ? errno : EIO;
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = e;
      return false;
    }
    done += static_cast<size_t>(w);
  }
  return true;
}

}  // namespace mx
