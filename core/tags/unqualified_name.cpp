// PyTorch's _unqualified_variable_name (see unqualified_name.h).
#include "tags/unqualified_name.h"

#include <cctype>

namespace mx {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string unqualified_name(const std::string& path) {
  size_t end = path.size();
  for (;;) {
    size_t dot = path.rfind('.', end == 0 ? 0 : end - 1);
    std::string atom = dot == std::string::npos ? path.substr(0, end) : path.substr(dot + 1, end - dot - 1);
    if (!all_digits(atom) || dot == std::string::npos) return path.substr(dot == std::string::npos ? 0 : dot + 1);
    end = dot;
  }
}

}  // namespace mx
