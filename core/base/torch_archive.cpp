// Archives by their records: pickles are scanned whole (inflated first if deflated), other
// records only by their sizes.
#include "base/torch_archive.h"

#include <zlib.h>

#include <cctype>
#include <fstream>

#include "base/error.h"
#include "base/text.h"
#include "base/pickle_scan.h"
#include "base/zip_directory.h"

namespace mx {
namespace {

// data.pkl, constants.pkl and the code's *.debug_pkl source ranges: what LibTorch unpickles.
// By name without regard to case, as LibTorch's miniz finds them ("data.pKl" is data.pkl; the
// input_file fuzzer found one that was not checked).
bool is_pickle(const std::string& record) {
  const std::string name = ascii_lower(record);
  return ends_with(name, ".pkl") || ends_with(name, ".debug_pkl");
}

// The record's bytes: as stored, or inflated (torch.jit.save deflates the code and its
// *.debug_pkl source ranges), to exactly the size the directory claims (which zip_records
// bounded).
std::string record_bytes(std::string stored, const std::string& label, const std::string& name, const ZipRecord& r) {
  if (!r.compressed) return stored;
  std::string out(r.size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw Error("cannot inflate '" + name + "' of '" + label + "'");
  z.next_in = reinterpret_cast<Bytef*>(stored.data());
  z.avail_in = static_cast<uInt>(stored.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const uint64_t got = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || got != r.size)
    throw Error("'" + label + "' is damaged: its record '" + name + "' does not inflate to the " +
                std::to_string(r.size) + " bytes its directory entry claims");
  return out;
}

}  // namespace

void check_torch_archive(const std::string& bytes, const std::string& label) {
  for (const auto& [name, r] : zip_records(bytes, label)) {
    if (!is_pickle(name)) continue;
    check_pickle(record_bytes(bytes.substr(r.data_offset, r.stored_size), label, name, r), label, name);
  }
}

namespace {

// The records of `directory` that `wanted` takes, read from `path`.
std::map<std::string, std::string> read_records(const std::string& path, const std::map<std::string, ZipRecord>& directory,
                                                const std::function<bool(const std::string&)>& wanted) {
  std::map<std::string, std::string> out;
  std::ifstream f(path, std::ios::binary);
  for (const auto& [name, r] : directory) {
    if (!wanted(name)) continue;
    std::string stored(r.stored_size, '\0');  // fits in the file: zip_records_of_file checked it
    f.seekg(static_cast<std::streamoff>(r.data_offset));
    if (!f.read(stored.data(), static_cast<std::streamsize>(stored.size())))
      throw Error("cannot read '" + path + "' (it got shorter while it was read)");
    out.emplace(name, record_bytes(std::move(stored), path, name, r));
  }
  return out;
}

bool is_parsed(const std::string& record) {
  const std::string name = ascii_lower(record);
  return is_pickle(name) || ends_with(name, "/version") ||
         (name.find("/code/") != std::string::npos && ends_with(name, ".py"));
}

}  // namespace

ArchiveContents read_archive_contents(const std::string& path) {
  ArchiveContents a;
  a.directory = zip_records_of_file(path);
  a.records = read_records(path, a.directory, is_parsed);
  return a;
}

void check_torch_archive(const ArchiveContents& contents, const std::string& path) {
  for (const auto& [name, bytes] : contents.records)
    if (is_pickle(name)) check_pickle(bytes, path, name);
}

}  // namespace mx
