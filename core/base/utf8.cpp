// The byte ranges of Unicode's table 3-7 (well-formed UTF-8 byte sequences).
#include "base/utf8.h"

namespace mx {

namespace {

// Bytes of the well-formed sequence at s[i], or 0.
size_t sequence_at(std::string_view s, size_t i) {
  auto in = [&](size_t at, unsigned lo, unsigned hi) {
    if (at >= s.size()) return false;
    auto c = static_cast<unsigned char>(s[at]);
    return c >= lo && c <= hi;
  };
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

}  // namespace

bool valid_utf8(std::string_view s) {
  for (size_t i = 0, len = 0; i < s.size(); i += len)
    if ((len = sequence_at(s, i)) == 0) return false;
  return true;
}

std::string printable_utf8(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (size_t len = sequence_at(s, i)) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      auto c = static_cast<unsigned char>(s[i++]);
      out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

}  // namespace mx
