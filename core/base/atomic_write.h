// Writing output files so that a failure leaves nothing behind and no input or unrelated
// file is touched: new temporary files beside the targets (see temp_file.h), renamed into
// place only when every one of them is complete, the first file last (the commit point).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace mx {

// Throws mx::Error naming the path and the reason if `path` cannot be an output: it names
// a folder, its folder is missing or takes no new file, it exists and is not a regular file
// (a device, FIFO, socket: never replaced), its name is too long, or it is, also through
// links, one of `inputs` (the files the command reads). Opens no existing file; call before
// long work so that it fails early. Also removes stale temporaries of ours for `path`.
void check_writable(const std::string& path, const std::vector<std::string>& inputs = {});

// Writes every (path, contents) pair or none of them; see write_outputs_atomically.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);

// The same with contents streamed by a writer (e.g. a large protobuf, without a copy in
// memory); a writer reports failure by throwing. All files are written to temporaries
// first; then the others are renamed into place and files[0] last: its rename is the commit
// point. If any step fails, the files already renamed are put back as they were (old
// contents restored, new ones removed) and mx::Error names the file and the reason. SIGINT,
// SIGTERM and SIGHUP while writing remove the temporaries; during the renames they wait.
// A file without a writer is one the set removes (a stale OUT.onnx.data beside a model now
// written inline): it goes with the renames, before the commit, and comes back with the old
// files if the set fails or is killed before its commit.
struct OutputFile {
  OutputFile(std::string p, std::function<void(std::ostream&)> w) : path(std::move(p)), write(std::move(w)) {}
  // Written through its descriptor: `w` fills the new, empty file (e.g. with large aligned
  // writes, base/block_writer.h) and returns 0 or the errno of a failed write.
  static OutputFile through_fd(std::string p, std::function<int(int fd)> w) {
    OutputFile f(std::move(p), nullptr);
    f.write_fd = std::move(w);
    return f;
  }
  static OutputFile removal(std::string p) { return OutputFile(std::move(p), nullptr); }

  std::string path;
  std::function<void(std::ostream&)> write;
  std::function<int(int fd)> write_fd;

  bool removes() const { return !write && !write_fd; }  // no file at `path` after the commit
};
void write_outputs_atomically(const std::vector<OutputFile>& files);

}  // namespace mx
