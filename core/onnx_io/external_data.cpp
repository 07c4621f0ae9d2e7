// External data entries (ONNX external_data: location, offset, length), checked by path
// and size against the model's folder.
#include "onnx_io/external_data.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "base/checked_number.h"

namespace fs = std::filesystem;

namespace mx {

size_t onnx_element_size(int32_t t) {
  switch (t) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32: return 4;
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::COMPLEX64: return 8;
    case onnx::TensorProto::COMPLEX128: return 16;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16: return 2;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL: return 1;
    default: return 0;
  }
}

namespace {

// dims x element size, or -1 if unknown or overflowing.
int64_t expected_bytes(const onnx::TensorProto& t) {
  uint64_t n = onnx_element_size(t.data_type());
  if (n == 0) return -1;
  for (auto d : t.dims()) {
    if (d < 0 || (d != 0 && n > static_cast<uint64_t>(INT64_MAX) / static_cast<uint64_t>(d))) return -1;
    n *= static_cast<uint64_t>(d);
  }
  return static_cast<int64_t>(n);
}

std::string check_one(const onnx::TensorProto& t, const fs::path& folder) {
  std::map<std::string, std::string> kv;
  for (const auto& e : t.external_data()) kv[e.key()] = e.value();
  const std::string location = kv["location"];
  if (location.empty()) return "has external data without a location";
  const fs::path rel(location);
  if (rel.is_absolute()) return "has external data at absolute path '" + location + "' (must be beside the model)";
  for (const auto& part : rel)
    if (part == "..") return "has external data at '" + location + "', outside the model's folder ('..')";
  std::error_code ec;
  const fs::path base = fs::weakly_canonical(folder, ec);
  const fs::path file = fs::weakly_canonical(folder / rel, ec);
  auto [end, unused] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (ec || end != base.end()) return "has external data at '" + location + "', which leads outside the model's folder";
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "has external data in '" + location + "', which does not exist";
  if (!S_ISREG(st.st_mode)) return "has external data in '" + location + "', which is not a regular file";
  auto offset = to_int64(kv.count("offset") ? kv["offset"] : "0", 0);
  if (!offset) return "has external data with a bad offset '" + kv["offset"] + "'";
  auto file_size = static_cast<int64_t>(st.st_size);
  if (*offset > file_size) return "has external data at offset " + std::to_string(*offset) + ", past the end of '" + location + "'";
  auto length = kv.count("length") ? to_int64(kv["length"], 0) : std::optional<int64_t>(file_size - *offset);
  if (!length) return "has external data with a bad length '" + kv["length"] + "'";
  if (*length > file_size - *offset)
    return "has external data of " + std::to_string(*length) + " bytes at offset " + std::to_string(*offset) +
           ", past the end of '" + location + "' (" + std::to_string(file_size) + " bytes)";
  int64_t want = expected_bytes(t);
  if (want >= 0 && want != *length)
    return "has " + std::to_string(*length) + " bytes of external data, but its dims and type need " +
           std::to_string(want);
  return "";
}

}  // namespace

bool has_external_data(const onnx::ModelProto& model) {
  for (const auto& t : model.graph().initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL) return true;
  return false;
}

std::vector<std::string> external_data_files(const onnx::ModelProto& model, const std::string& onnx_path) {
  std::filesystem::path folder = std::filesystem::path(onnx_path).parent_path();
  std::vector<std::string> files;
  for (const auto& t : model.graph().initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) continue;
    for (const auto& entry : t.external_data()) {
      if (entry.key() != "location") continue;
      std::string path = (folder / entry.value()).string();
      if (std::find(files.begin(), files.end(), path) == files.end()) files.push_back(path);
    }
  }
  return files;
}

onnx::ModelProto with_external_stand_ins(const onnx::ModelProto& model) {
  onnx::ModelProto copy = model;
  for (auto& t : *copy.mutable_graph()->mutable_initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) continue;
    t.clear_external_data();
    t.clear_data_location();
    t.set_raw_data(std::string(1, '\0'));
  }
  return copy;
}

std::vector<std::string> external_data_problems(const onnx::ModelProto& model, const std::string& onnx_path) {
  std::vector<std::string> out;
  fs::path p(onnx_path);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  for (const auto& t : model.graph().initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) continue;
    if (std::string why = check_one(t, folder); !why.empty()) out.push_back("initializer '" + t.name() + "' " + why);
  }
  return out;
}

}  // namespace mx
