// The external data plan: the inline size that decides `auto`, offsets with ONNX Runtime's
// alignment, and the data file written tensor by tensor.
#include "onnx_io/external_plan.h"

#include <filesystem>

#include "base/block_writer.h"
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

namespace {

// Calls gap(n) for the padding before each tensor and bytes(view) for its bytes, in file order.
template <class Gap, class Bytes>
void for_each_span(const ConvertedModel& m, const ExternalPlan& plan, Gap gap, Bytes bytes) {
  std::unordered_map<std::string, const onnx::TensorProto*> by_name;
  for (const auto& t : m.model.graph().initializer()) by_name.emplace(t.name(), &t);
  uint64_t at = 0;
  for (const auto& e : plan.entries) {
    std::string_view b = initializer_bytes(m, *by_name.at(e.name));
    if (b.size() != e.length) throw Error("internal error: initializer '" + e.name + "' changed size while written");
    if (!gap(e.offset - at) || !bytes(b)) return;
    progress::advance(b.size());
    at = e.offset + e.length;
  }
}

}  // namespace

void write_external_data(const ConvertedModel& m, const ExternalPlan& plan, std::ostream& out) {
  static const char zeros[kLargeTensorAlignment] = {};
  for_each_span(
      m, plan, [&](uint64_t n) { return bool(out.write(zeros, static_cast<std::streamsize>(n))); },
      [&](std::string_view b) { return bool(out.write(b.data(), static_cast<std::streamsize>(b.size()))); });
  if (!out) throw Error("writing the external data failed");
}

int write_external_data(const ConvertedModel& m, const ExternalPlan& plan, int fd) {
  BlockWriter writer(fd);
  for_each_span(
      m, plan, [&](uint64_t n) { return writer.zeros(n); },
      [&](std::string_view b) { return writer.append(b.data(), b.size()); });
  return writer.finish();
}

std::vector<OutputFile> model_files(ConvertedModel& m, const std::string& onnx_path, const ExternalPlan& plan) {
  std::vector<OutputFile> files{{onnx_path, [&m, &plan](std::ostream& out) { write_converted(m, out, &plan); }}};
  if (!plan.empty())
    files.push_back(OutputFile::through_fd(data_file_path(onnx_path),
                                           [&m, &plan](int fd) { return write_external_data(m, plan, fd); }));
  else  // a data file of an earlier export would be stale beside the new model: it goes with the set
    files.push_back(OutputFile::removal(data_file_path(onnx_path)));
  return files;
}

}  // namespace mx
