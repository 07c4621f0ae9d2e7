// ZIP end-of-central-directory (also ZIP64) and central directory entries, by the
// PKWARE APPNOTE field offsets; every offset and length is checked against the data.
#include "base/zip_directory.h"

#include <fstream>

#include "base/error.h"

namespace mx {
namespace {

// Bytes of the archive from offset `origin` to its end, read by absolute offsets.
class Bytes {
 public:
  Bytes(const std::string& b, const std::string& label, uint64_t origin = 0) : b_(b), label_(label), origin_(origin) {}
  uint64_t le(uint64_t at, int n) const {
    if (at < origin_) throw damaged("an offset before the end part that was read");
    at -= origin_;
    if (at > b_.size() || static_cast<uint64_t>(n) > b_.size() - at) throw damaged("a field past the end");
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b_[at + i]);
    return v;
  }
  std::string str(uint64_t at, uint64_t n) const {
    if (at < origin_) throw damaged("an offset before the end part that was read");
    at -= origin_;
    if (at > b_.size() || n > b_.size() - at) throw damaged("a name past the end");
    return b_.substr(at, n);
  }
  Error damaged(const std::string& what) const {
    return Error("'" + label_ + "' is a damaged ZIP archive (" + what +
                 "): not a file that torch.jit.save or torch.save wrote whole");
  }
  uint64_t end() const { return origin_ + b_.size(); }

 private:
  const std::string& b_;
  const std::string& label_;
  uint64_t origin_;
};

constexpr uint32_t kEnd = 0x06054b50, kEnd64 = 0x06064b50, kLocator64 = 0x07064b50, kEntry = 0x02014b50;

// Offset and count of the central directory, which must lie before the end record (LibTorch's
// miniz reads the size it claims without checking it: a fuzzer found the overflow).
std::pair<uint64_t, uint64_t> directory(const Bytes& in) {
  if (in.end() < 22) throw in.damaged("too short to be one");
  uint64_t lowest = in.end() > 22 + 65535 ? in.end() - 22 - 65535 : 0;
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

}  // namespace

namespace {

std::map<std::string, uint64_t> entries(const Bytes& in, uint64_t at, uint64_t count) {
  std::map<std::string, uint64_t> sizes;
  for (uint64_t i = 0; i < count; ++i) {
    if (in.le(at, 4) != kEntry) throw in.damaged("central directory entry " + std::to_string(i) + " is missing");
    uint64_t size = in.le(at + 24, 4);
    uint64_t name_len = in.le(at + 28, 2), extra_len = in.le(at + 30, 2), comment_len = in.le(at + 32, 2);
    std::string name = in.str(at + 46, name_len);
    if (size == 0xFFFFFFFF) {  // the real size is in the ZIP64 extra field (id 1), first
      uint64_t e = at + 46 + name_len, end = e + extra_len;
      while (e + 4 <= end) {
        uint64_t id = in.le(e, 2), len = in.le(e + 2, 2);
        if (id == 1 && len >= 8) size = in.le(e + 4, 8);
        e += 4 + len;
      }
    }
    sizes[name] = size;
    at += 46 + name_len + extra_len + comment_len;
  }
  return sizes;
}

std::string read_range(std::ifstream& f, uint64_t from, uint64_t to) {
  std::string s(to - from, '\0');
  f.seekg(static_cast<std::streamoff>(from));
  f.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<size_t>(f.gcount()));
  return s;
}

}  // namespace

std::map<std::string, uint64_t> zip_record_sizes(const std::string& bytes, const std::string& label) {
  Bytes in(bytes, label);
  auto [at, count] = directory(in);
  return entries(in, at, count);
}

std::map<std::string, uint64_t> zip_record_sizes_of_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) throw Error("cannot read '" + path + "'");
  const auto size = static_cast<uint64_t>(f.tellg());
  const uint64_t tail_from = size > 22 + 65535 + 20 + 56 ? size - (22 + 65535 + 20 + 56) : 0;
  std::string tail = read_range(f, tail_from, size);
  auto [at, count] = directory(Bytes(tail, path, tail_from));
  if (at > size) return entries(Bytes(tail, path, tail_from), at, count);  // reports the bad offset
  std::string dir = read_range(f, at, size);                               // the directory runs to (near) the end
  return entries(Bytes(dir, path, at), at, count);
}

}  // namespace mx
