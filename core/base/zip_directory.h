// The central directory of a ZIP archive (TorchScript and torch.save files are ZIP
// archives): record names and their sizes, read without trusting LibTorch's reader, so that
// a tensor storage larger than its data record is found before anything reads past it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace mx {

// Record name -> uncompressed size. Throws mx::Error naming `label` if the bytes end before
// a directory entry that the archive claims, or there is no end-of-directory record.
std::map<std::string, uint64_t> zip_record_sizes(const std::string& bytes, const std::string& label);

// The same for a file (read through its end only: the directory is at the end).
std::map<std::string, uint64_t> zip_record_sizes_of_file(const std::string& path);

}  // namespace mx
