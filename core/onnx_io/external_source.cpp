// External data read by mapping: one read-only mapping per data file, shared by its tensors.
#include "onnx_io/external_source.h"

#include <filesystem>
#include <map>
#include <memory>

#include "base/error.h"
#include "base/mapped_file.h"
#include "onnx_io/external_data.h"

namespace fs = std::filesystem;

namespace mx {
namespace {

std::map<std::string, std::string> entries_of(const onnx::TensorProto& t) {
  std::map<std::string, std::string> kv;
  for (const auto& e : t.external_data()) kv[e.key()] = e.value();
  return kv;
}

}  // namespace

void attach_external_data(ConvertedModel& m, const std::string& onnx_path) {
  auto problems = external_data_problems(m.model, onnx_path);
  if (!problems.empty()) throw Error("'" + onnx_path + "': " + problems.front());
  const fs::path p(onnx_path);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::map<std::string, std::shared_ptr<MappedFile>> mapped;
  for (auto& t : *m.model.mutable_graph()->mutable_initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) continue;
    auto kv = entries_of(t);
    auto& mapping = mapped[kv["location"]];
    if (!mapping) mapping = std::make_shared<MappedFile>((folder / kv["location"]).string(), ", not external data");
    // external_data_problems checked both numbers and that they lie inside the file.
    const size_t offset = kv.count("offset") ? std::stoull(kv["offset"]) : 0;
    const size_t length = kv.count("length") ? std::stoull(kv["length"]) : mapping->size() - offset;
    TensorData data;
    data.owner = mapping;
    data.data = mapping->data() + offset;
    data.nbytes = length;
    for (auto d : t.dims()) data.shape.push_back(d);
    t.clear_external_data();
    t.clear_data_location();
    m.external_data[t.name()] = data;
  }
}

}  // namespace mx
