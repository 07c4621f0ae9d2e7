// The central directory of a ZIP archive (TorchScript and torch.save files are ZIP
// archives): record names, sizes and where their bytes are, read without trusting LibTorch's
// reader, so that a record or tensor storage larger than the file is found before LibTorch
// allocates or reads what it claims.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace mx {

struct ZipRecord {
  uint64_t size = 0;         // uncompressed
  uint64_t data_offset = 0;  // of its (stored or compressed) bytes in the archive
  uint64_t stored_size = 0;  // bytes it takes in the archive
  bool compressed = false;   // deflated (torch.jit.save deflates the code's debug pickles, stores the rest)
  uint64_t name_offset = 0;  // of its name in its central directory entry (where LibTorch's miniz looks records up)
};

// Record name -> record. Throws mx::Error naming `label` if the bytes end before a directory
// entry or a record's data, a record claims more bytes than it stores (or than deflate can
// give from them), or there is no end-of-directory record.
std::map<std::string, ZipRecord> zip_records(const std::string& bytes, const std::string& label);

// The same for a file, read with pread at the offsets the archive gives (not read whole).
std::map<std::string, ZipRecord> zip_records_of_file(const std::string& path);

}  // namespace mx
