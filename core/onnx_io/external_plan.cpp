// The external data plan: the inline size that decides `auto`, offsets with ONNX Runtime's
// alignment, and the data file written tensor by tensor.
#include "onnx_io/external_plan.h"

#include <filesystem>

#include "base/error.h"
#include "base/progress.h"
#include "onnx_io/model_io.h"

namespace mx {
namespace {

uint64_t varint_bytes(uint64_t v) {
  uint64_t n = 1;
  while (v >= 0x80) v >>= 7, ++n;
  return n;
}

// An upper bound of the file's size with every byte inline: the proto as it is plus, per
// tensor whose bytes live outside it, a raw_data field and the growth of the lengths that
// enclose it.
uint64_t inline_size_bound(const ConvertedModel& m) {
  uint64_t total = m.model.ByteSizeLong();
  for (const auto& t : m.model.graph().initializer())
    if (t.raw_data().empty()) {
      uint64_t n = initializer_bytes(m, t).size();
      if (n > 0) total += 1 + varint_bytes(n) + n + 2 * 10;
    }
  return total;
}

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace

uint64_t written_bytes_bound(const ConvertedModel& m) { return inline_size_bound(m); }

const ExternalEntry* ExternalPlan::find(const std::string& name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &entries[it->second];
}

ExternalPlan plan_external_data(const ConvertedModel& m, const ExternalDataOptions& o, const std::string& location,
                                uint64_t limit) {
  ExternalPlan plan;
  plan.location = location;
  if (o.mode == ExternalDataOptions::Mode::Never) return plan;
  if (o.mode == ExternalDataOptions::Mode::Auto && inline_size_bound(m) <= limit) return plan;
  uint64_t end = 0;
  for (const auto& t : m.model.graph().initializer()) {
    const uint64_t n = initializer_bytes(m, t).size();
    if (n == 0 || n < o.threshold || plan.index.count(t.name())) continue;
    const uint64_t offset = align_up(end, n >= kLargeTensorBytes ? kLargeTensorAlignment : kSmallTensorAlignment);
    plan.index[t.name()] = plan.entries.size();
    plan.entries.push_back({t.name(), offset, n});
    end = offset + n;
  }
  plan.data_bytes = end;
  return plan;
}

std::string data_file_name(const std::string& onnx_path) {
  return std::filesystem::path(onnx_path).filename().string() + ".data";
}

std::string data_file_path(const std::string& onnx_path) { return onnx_path + ".data"; }

void write_external_data(const ConvertedModel& m, const ExternalPlan& plan, std::ostream& out) {
  static const char zeros[kLargeTensorAlignment] = {};
  std::unordered_map<std::string, const onnx::TensorProto*> by_name;
  for (const auto& t : m.model.graph().initializer()) by_name.emplace(t.name(), &t);
  uint64_t at = 0;
  for (const auto& e : plan.entries) {
    std::string_view bytes = initializer_bytes(m, *by_name.at(e.name));
    if (bytes.size() != e.length) throw Error("internal error: initializer '" + e.name + "' changed size while written");
    out.write(zeros, static_cast<std::streamsize>(e.offset - at));
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    progress::advance(bytes.size());
    at = e.offset + e.length;
    if (!out) throw Error("writing the external data failed");
  }
}

std::vector<OutputFile> model_files(ConvertedModel& m, const std::string& onnx_path, const ExternalPlan& plan) {
  std::vector<OutputFile> files{{onnx_path, [&m, &plan](std::ostream& out) { write_converted(m, out, &plan); }}};
  if (!plan.empty())
    files.push_back({data_file_path(onnx_path), [&m, &plan](std::ostream& out) { write_external_data(m, plan, out); }});
  return files;
}

}  // namespace mx
