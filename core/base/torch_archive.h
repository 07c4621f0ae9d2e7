// What is checked of a TorchScript or torch.save archive before LibTorch reads it: its ZIP
// directory and records (zip_directory.h) and each pickle in it (pickle_scan.h), so that no
// size or length it claims makes LibTorch read past the file or allocate what it has not.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace mx {

// Throws mx::Error naming `label` (or `path`) and what is damaged.
void check_torch_archive(const std::string& bytes, const std::string& label);
void check_torch_archive_file(const std::string& path);

// Name -> bytes (inflated if deflated) of each record of the archive at `path` that `wanted`
// takes. Throws mx::Error naming `path` if its directory or one of those records is damaged.
std::map<std::string, std::string> read_archive_records(const std::string& path,
                                                        const std::function<bool(const std::string&)>& wanted);

}  // namespace mx
