// Small string tests shared by the archive readers and checks.
#pragma once

#include <cctype>
#include <string>

namespace mx {

inline bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// ASCII letters lowered: record names as LibTorch's ZIP reader (miniz) compares them.
inline std::string ascii_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace mx
