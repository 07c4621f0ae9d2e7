// What is checked of a TorchScript or torch.save archive before LibTorch reads it: its ZIP
// directory and records (zip_directory.h) and each pickle in it (pickle_scan.h), so that no
// size or length it claims makes LibTorch read past the file or allocate what it has not.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "base/zip_directory.h"

namespace mx {

// A TorchScript file read once for the checks before LibTorch loads it: its ZIP directory
// and the bytes (inflated) of every record LibTorch parses or unpickles rather than copies:
// the pickles (*.pkl, *.debug_pkl), the code (code/**/*.py) and the version records; not
// the tensors' data. Names are compared without regard to case, as LibTorch's reader finds
// records. Throws mx::Error naming `path` if the directory or one of those records is damaged.
struct ArchiveContents {
  std::map<std::string, ZipRecord> directory;
  std::map<std::string, std::string> records;
};
ArchiveContents read_archive_contents(const std::string& path);

// Each pickle of the archive, checked: throws mx::Error naming `label` (or `path`) and what
// is damaged.
void check_torch_archive(const std::string& bytes, const std::string& label);
void check_torch_archive(const ArchiveContents& contents, const std::string& path);

}  // namespace mx
