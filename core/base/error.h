// The one exception type core throws: its message is complete and shown to the user as is.
#pragma once

#include <stdexcept>
#include <string>

namespace mx {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A library's message as a user should see it: its first line that says something
// (LibTorch's go on with a backtrace of 30 lines, and some start with a newline).
inline std::string first_line(const std::string& s) {
  size_t start = s.find_first_not_of(" \n");
  if (start == std::string::npos) return "(no message)";
  return s.substr(start, s.find('\n', start) - start);
}

}  // namespace mx
