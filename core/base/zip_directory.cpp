// ZIP end-of-central-directory (also ZIP64), central directory entries and local headers,
// by the PKWARE APPNOTE field offsets; every offset and length is checked against the data.
#include "base/zip_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include "base/error.h"

namespace mx {
namespace {

// An archive's bytes, from memory or from a file (read with pread; the part at the end that
// holds the directory is kept, the rest read where a local header is).
class Archive {
 public:
  Archive(const std::string& bytes, const std::string& label) : label_(label), size_(bytes.size()), window_(bytes) {}
  Archive(int fd, uint64_t size, const std::string& label) : label_(label), fd_(fd), size_(size) {}

  uint64_t le(uint64_t at, int n) const {
    std::string b = read(at, static_cast<uint64_t>(n), "a field past the end");
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[i]);
    return v;
  }
  std::string str(uint64_t at, uint64_t n) const { return read(at, n, "a name past the end"); }
  // Keeps [from, end) in memory when it is small (the directory and what follows it).
  void keep_from(uint64_t from) {
    if (fd_ < 0 || from >= size_ || size_ - from > (64u << 20) || (from >= window_from_ && !window_.empty())) return;
    owned_ = read(from, size_ - from, "a directory past the end");
    window_ = owned_;
    window_from_ = from;
  }
  uint64_t end() const { return size_; }
  Error damaged(const std::string& what) const {
    return Error("'" + label_ + "' is a damaged ZIP archive (" + what +
                 "): not a file that torch.jit.save or torch.save wrote whole");
  }

 private:
  std::string read(uint64_t at, uint64_t n, const char* what) const {
    if (at > size_ || n > size_ - at) throw damaged(what);
    if (at >= window_from_ && at - window_from_ + n <= window_.size())
      return std::string(window_.substr(at - window_from_, n));
    std::string out(n, '\0');
    for (uint64_t done = 0; done < n;) {
      ssize_t got = ::pread(fd_, out.data() + done, n - done, static_cast<off_t>(at + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw Error("cannot read '" + label_ + "': " + std::strerror(errno));
      if (got == 0) throw damaged("the file got shorter while it was read");
      done += static_cast<uint64_t>(got);
    }
    return out;
  }

  const std::string& label_;
  int fd_ = -1;
  uint64_t size_;
  std::string owned_;        // the part of a file kept in memory
  std::string_view window_;  // bytes known without a read: all of them, or owned_
  uint64_t window_from_ = 0;
};

constexpr uint32_t kEnd = 0x06054b50, kEnd64 = 0x06064b50, kLocator64 = 0x07064b50, kEntry = 0x02014b50,
                   kLocal = 0x04034b50;

// Offset, count and end of the central directory, which must lie before the end record
// (LibTorch's miniz reads the size it claims without checking it: a fuzzer found the overflow).
struct Directory {
  uint64_t offset, count;
};

Directory directory(Archive& in) {
  if (in.end() < 22) throw in.damaged("too short to be one");
  uint64_t lowest = in.end() > 22 + 65535 ? in.end() - 22 - 65535 : 0;
  in.keep_from(lowest >= 76 ? lowest - 76 : 0);
  for (uint64_t at = in.end() - 22 + 1; at-- > lowest;) {
    if (in.le(at, 4) != kEnd) continue;
    uint64_t count = in.le(at + 10, 2), size = in.le(at + 12, 4), offset = in.le(at + 16, 4), end = at;
    if (at >= 20 && in.le(at - 20, 4) == kLocator64) {
      uint64_t end64 = in.le(at - 20 + 8, 8);
      if (end64 > at - 20 || in.le(end64, 4) != kEnd64) throw in.damaged("a ZIP64 locator points at no ZIP64 record");
      count = in.le(end64 + 32, 8);
      size = in.le(end64 + 40, 8);
      offset = in.le(end64 + 48, 8);
      end = end64;
    }
    if (offset > end || size > end - offset || count > size / 46)
      throw in.damaged("its central directory (" + std::to_string(count) + " entries, " + std::to_string(size) +
                       " bytes at " + std::to_string(offset) + ") does not fit before its end record");
    return {offset, count};
  }
  throw in.damaged("no end of central directory");
}

// Sizes and offset that say 0xFFFFFFFF are in the ZIP64 extra field (id 1), in this order.
void zip64_fields(const Archive& in, uint64_t e, uint64_t end, uint64_t* fields[3]) {
  while (e + 4 <= end) {
    uint64_t id = in.le(e, 2), len = in.le(e + 2, 2), at = e + 4;
    if (id == 1)
      for (int f = 0; f < 3; ++f)
        if (*fields[f] == 0xFFFFFFFF && at + 8 <= e + 4 + len) *fields[f] = in.le(at, 8), at += 8;
    e += 4 + len;
  }
}

// Where a record's bytes start (after its local header), checked to lie before the directory.
ZipRecord locate(const Archive& in, const std::string& name, uint64_t local, uint64_t stored, uint64_t size,
                 uint64_t method, uint64_t data_end) {
  // One read of the 30-byte local header (a read each of its three fields was three system
  // calls a record, 4 ms on a model of 300 records).
  if (local > data_end || data_end - local < 30) throw in.damaged("record '" + name + "' has no local header");
  const std::string header = in.str(local, 30);
  auto field = [&](int at, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(header[at + i]);
    return v;
  };
  if (field(0, 4) != kLocal) throw in.damaged("record '" + name + "' has no local header");
  ZipRecord r{size, local + 30 + field(26, 2) + field(28, 2), stored, method != 0};
  if (r.data_offset > data_end || stored > data_end - r.data_offset)
    throw in.damaged("record '" + name + "' claims " + std::to_string(stored) + " bytes at " +
                     std::to_string(r.data_offset) + ", past the end of the records");
  // Deflate gives at most 1032 bytes per byte; a stored record is as long as it says.
  if (method != 0 && method != 8)
    throw in.damaged("record '" + name + "' uses compression method " + std::to_string(method));
  if ((method == 0 && size != stored) || (method == 8 && size / 1032 > stored + 1))
    throw in.damaged("record '" + name + "' claims " + std::to_string(size) + " bytes but stores " +
                     std::to_string(stored));
  return r;
}

std::map<std::string, ZipRecord> entries(Archive& in) {
  auto [at, count] = directory(in);
  const uint64_t records_end = at;  // every record's bytes lie before the directory
  in.keep_from(at);
  std::map<std::string, ZipRecord> records;
  std::set<std::string> names;
  for (uint64_t i = 0; i < count; ++i) {
    if (in.le(at, 4) != kEntry) throw in.damaged("central directory entry " + std::to_string(i) + " is missing");
    uint64_t method = in.le(at + 10, 2), stored = in.le(at + 20, 4), size = in.le(at + 24, 4);
    uint64_t name_len = in.le(at + 28, 2), extra_len = in.le(at + 30, 2), comment_len = in.le(at + 32, 2);
    uint64_t local = in.le(at + 42, 4);
    std::string name = in.str(at + 46, name_len);
    uint64_t* fields[3] = {&size, &stored, &local};
    zip64_fields(in, at + 46 + name_len, at + 46 + name_len + extra_len, fields);
    // LibTorch's miniz finds records by name without regard to case: "data.PKL" is read as
    // data.pkl. Two records under one such name could show us one and LibTorch the other.
    std::string folded = name;
    for (auto& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!names.insert(folded).second) throw in.damaged("two records are named '" + name + "' (ignoring case)");
    records[name] = locate(in, name, local, stored, size, method, records_end);
    records[name].name_offset = at + 46;
    at += 46 + name_len + extra_len + comment_len;
  }
  return records;
}

}  // namespace

std::map<std::string, ZipRecord> zip_records(const std::string& bytes, const std::string& label) {
  Archive in(bytes, label);
  return entries(in);
}

std::map<std::string, ZipRecord> zip_records_of_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer; then fstat refuses it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw Error("cannot read '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("cannot read '" + path + "': not a regular file");
  }
  try {
    Archive in(fd, static_cast<uint64_t>(st.st_size), path);
    auto records = entries(in);
    ::close(fd);
    return records;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

}  // namespace mx
