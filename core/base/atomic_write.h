// Writing output files so that a failure leaves nothing behind: temporary files beside the
// targets, renamed into place only when every one of them is complete.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace mx {

// Throws mx::Error naming the path and the reason if the folder of `path` cannot take a
// new file; call before long work so that it fails early.
void check_writable(const std::string& path);

// Writes every (path, contents) pair or none of them.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

// The same with contents streamed by a writer (e.g. a large protobuf, without a copy in
// memory); a writer reports failure by throwing.
struct OutputFile {
  std::string path;
  std::function<void(std::ostream&)> write;
};
void write_outputs_atomically(const std::vector<OutputFile>& files);

}  // namespace mx
