// libFuzzer custom mutator for the model-file fuzzer: most byte mutations of a TorchScript
// archive break a deflate stream or a CRC and die in the ZIP layer, so three mutations in four
// change one record's payload (its code, a pickle, the debug information, a tensor) and write
// the archive again with LibTorch's own writer (caffe2::serialize::PyTorchStreamWriter, as
// torch.jit.save does), sizes and CRCs right; the fourth mutates the bytes as they are.
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "base/zip_directory.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

// The input as LibTorch's reader reads a file, never past its end (a mutated input may lie).
class BytesReader final : public caffe2::serialize::ReadAdapterInterface {
 public:
  explicit BytesReader(const std::string& bytes) : bytes_(bytes) {}
  size_t size() const override { return bytes_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* = "") const override {
    if (pos >= bytes_.size()) return 0;
    n = std::min<size_t>(n, bytes_.size() - pos);
    std::memcpy(buf, bytes_.data() + pos, n);
    return n;
  }

 private:
  const std::string& bytes_;
};

struct Record {
  std::string name;  // without the archive's folder
  std::string bytes;
  bool compressed = false;
};

// The records, read by LibTorch's reader once our directory reader (which checks every offset
// and length against the bytes) took the archive; empty if either refused it.
std::vector<Record> records_of(const std::string& bytes) {
  std::vector<Record> out;
  try {
    std::map<std::string, bool> compressed;
    for (const auto& [name, r] : mx::zip_records(bytes, "fuzz input"))
      compressed[name.substr(name.find('/') + 1)] = r.compressed;
    caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BytesReader>(bytes));
    for (const auto& name : reader.getAllRecords()) {
      auto [data, size] = reader.getRecord(name);
      out.push_back({name, std::string(static_cast<const char*>(data.get()), size), compressed[name]});
    }
  } catch (...) {
    out.clear();
  }
  return out;
}

// Code, pickles and the rest before tensor data (data/N): one of those, mostly.
size_t pick(const std::vector<Record>& records, std::minstd_rand& rng) {
  std::vector<size_t> other;
  for (size_t i = 0; i < records.size(); ++i)
    if (records[i].name.rfind("data/", 0) != 0) other.push_back(i);
  if (other.empty() || rng() % 8 == 0) return rng() % records.size();
  return other[rng() % other.size()];
}

std::string written(const std::vector<Record>& records) {
  std::string out;
  caffe2::serialize::PyTorchStreamWriter writer([&](const void* p, size_t n) {
    out.append(static_cast<const char*>(p), n);
    return n;
  });
  for (const auto& r : records) writer.writeRecord(r.name, r.bytes.data(), r.bytes.size(), r.compressed);
  writer.writeEndOfFile();
  return out;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  if (rng() % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  auto records = records_of(std::string(reinterpret_cast<const char*>(data), size));
  if (records.empty()) return LLVMFuzzerMutate(data, size, max_size);
  auto& r = records[pick(records, rng)];
  if (r.bytes.empty()) r.bytes = " ";  // libFuzzer mutates at least one byte
  const size_t old_size = r.bytes.size();
  r.bytes.resize(old_size + 64);  // room to grow a little
  r.bytes.resize(LLVMFuzzerMutate(reinterpret_cast<uint8_t*>(r.bytes.data()), old_size, r.bytes.size()));
  std::string out;
  try {
    out = written(records);
  } catch (...) {
  }
  if (out.empty() || out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
