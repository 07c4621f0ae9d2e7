// See model_io.h.
#include "onnx_io/model_io.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <onnx/checker.h>
#include <onnx/defs/schema.h>

#include <limits>
#include <memory>

#include "base/error.h"
#include "base/progress.h"
#include "onnx_io/external_plan.h"

namespace mx {
namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedOutputStream;

constexpr int kGraphField = 7;        // ModelProto.graph
constexpr int kInitializerField = 5;  // GraphProto.initializer
constexpr int kRawDataField = 9;      // TensorProto.raw_data

size_t delimited_size(int field, size_t length) {
  return WireFormatLite::TagSize(field, WireFormatLite::TYPE_BYTES) + CodedOutputStream::VarintSize64(length) + length;
}

void write_delimited_header(std::ostream& out, int field, size_t length) {
  uint8_t bytes[16];
  uint8_t* end = WireFormatLite::WriteTagToArray(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, bytes);
  end = CodedOutputStream::WriteVarint64ToArray(length, end);
  out.write(reinterpret_cast<const char*>(bytes), end - bytes);
}

const TensorData* external(const ConvertedModel& m, const onnx::TensorProto& t) {
  auto it = m.external_data.find(t.name());
  return it == m.external_data.end() ? nullptr : &it->second;
}

// External bytes to write; none for an empty tensor (ONNX's checker refuses a data field
// on a 0-element tensor).
const TensorData* external_bytes(const ConvertedModel& m, const onnx::TensorProto& t) {
  const auto* data = external(m, t);
  return data && data->nbytes > 0 ? data : nullptr;
}

// Detaches the graph and its initializers from `m` for as long as it lives.
class DetachedGraph {
 public:
  explicit DetachedGraph(onnx::ModelProto& model) : model_(model), graph_(model.release_graph()) {
    if (!graph_) graph_ = std::make_unique<onnx::GraphProto>();
    initializers_.Swap(graph_->mutable_initializer());
  }
  ~DetachedGraph() {
    initializers_.Swap(graph_->mutable_initializer());
    model_.set_allocated_graph(graph_.release());
  }
  const onnx::GraphProto& graph() const { return *graph_; }
  const google::protobuf::RepeatedPtrField<onnx::TensorProto>& initializers() const { return initializers_; }
  google::protobuf::RepeatedPtrField<onnx::TensorProto>* mutable_initializers() { return &initializers_; }

 private:
  onnx::ModelProto& model_;
  std::unique_ptr<onnx::GraphProto> graph_;
  google::protobuf::RepeatedPtrField<onnx::TensorProto> initializers_;
};

// `t` as written with its bytes in the data file: no data fields, external data entries.
// Its raw_data is moved out and back rather than copied (it may be most of the model).
onnx::TensorProto external_header(onnx::TensorProto& t, const ExternalPlan& plan, const ExternalEntry& e) {
  const bool had_raw = t.has_raw_data();
  std::string raw;
  if (had_raw) raw = std::move(*t.mutable_raw_data()), t.clear_raw_data();
  onnx::TensorProto header = t;
  if (had_raw) *t.mutable_raw_data() = std::move(raw);
  header.clear_external_data();
  header.set_data_location(onnx::TensorProto::EXTERNAL);
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"location", plan.location},
                                   {"offset", std::to_string(e.offset)},
                                   {"length", std::to_string(e.length)}}) {
    auto* entry = header.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  }
  return header;
}

}  // namespace

std::string_view initializer_bytes(const ConvertedModel& m, const onnx::TensorProto& t) {
  if (const auto* data = external(m, t)) return {static_cast<const char*>(data->data), data->nbytes};
  return t.raw_data();
}

void check_converted(ConvertedModel& m) {
  std::vector<onnx::TensorProto*> stand_ins;
  for (auto& t : *m.model.mutable_graph()->mutable_initializer())
    if (external_bytes(m, t) && !t.has_raw_data()) {
      t.set_raw_data(std::string(1, '\0'));
      stand_ins.push_back(&t);
    }
  struct Restore {
    std::vector<onnx::TensorProto*>& tensors;
    ~Restore() {
      for (auto* t : tensors) t->clear_raw_data();
    }
  } restore{stand_ins};
  onnx::checker::check_model(m.model);
}

void build_onnx_schemas() { (void)onnx::OpSchemaRegistry::Schema("Conv", 17, ""); }  // the table is a local static

void write_converted(ConvertedModel& m, std::ostream& out, const ExternalPlan* plan) {
  DetachedGraph detached(m.model);
  // Initializers going to the data file are written as headers made for it.
  std::vector<onnx::TensorProto> headers;
  std::vector<int> header_of(detached.initializers().size(), -1);
  if (plan && !plan->empty()) {
    headers.reserve(plan->entries.size());
    for (int i = 0; i < detached.initializers().size(); ++i)
      if (const auto* e = plan->find(detached.initializers()[i].name())) {
        header_of[i] = static_cast<int>(headers.size());
        headers.push_back(external_header((*detached.mutable_initializers())[i], *plan, *e));
      }
  }
  auto tensor = [&](int i) -> const onnx::TensorProto& {
    return header_of[i] >= 0 ? headers[header_of[i]] : detached.initializers()[i];
  };
  auto inline_bytes = [&](int i) { return header_of[i] >= 0 ? nullptr : external_bytes(m, tensor(i)); };
  std::vector<size_t> lengths;
  size_t graph_length = detached.graph().ByteSizeLong();
  for (int i = 0; i < detached.initializers().size(); ++i) {
    size_t length = tensor(i).ByteSizeLong();
    if (const auto* data = inline_bytes(i)) length += delimited_size(kRawDataField, data->nbytes);
    lengths.push_back(length);
    graph_length += delimited_size(kInitializerField, length);
  }
  size_t total = m.model.ByteSizeLong() + delimited_size(kGraphField, graph_length);
  if (total > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw Error("the ONNX model is " + std::to_string(total >> 20) +
                " MiB, over the 2 GiB that ONNX's protobuf format can hold in one file (--external-data auto or "
                "always writes its weights to a data file beside it)");

  // Large bytes go to `out` in one write each (through protobuf's streams they would be
  // copied in 8 KiB pieces, a write call each).
  auto message = [&](const google::protobuf::Message& part) {
    if (!part.SerializeToOstream(&out)) throw Error("writing the ONNX model failed");
  };
  message(m.model);
  write_delimited_header(out, kGraphField, graph_length);
  message(detached.graph());
  for (int i = 0; i < detached.initializers().size(); ++i) {
    write_delimited_header(out, kInitializerField, lengths[i]);
    message(tensor(i));
    if (const auto* data = inline_bytes(i)) {
      write_delimited_header(out, kRawDataField, data->nbytes);
      out.write(static_cast<const char*>(data->data), static_cast<std::streamsize>(data->nbytes));
      progress::advance(data->nbytes);
    }
  }
  if (!out) throw Error("writing the ONNX model failed");
}

}  // namespace mx
