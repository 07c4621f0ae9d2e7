// Opening a file the user names as an input: refused by type before it is opened (a FIFO
// or device would block or never end), and read with errors that name the file.
#pragma once

#include <string>

namespace mx {

// Throws mx::Error "WHAT 'PATH' does not exist / is a folder / is a FIFO, not a regular
// file" unless `path` is (or links to) a regular file.
void check_regular_input(const std::string& path, const std::string& what);

// The whole contents of a regular file; refuses others as check_regular_input does, also
// when the file was swapped for another kind after the check (O_NONBLOCK + fstat).
std::string read_input_file(const std::string& path, const std::string& what);

}  // namespace mx
