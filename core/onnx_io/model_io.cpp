// See model_io.h.
#include "onnx_io/model_io.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <onnx/checker.h>

#include <limits>
#include <memory>

#include "base/error.h"

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

 private:
  onnx::ModelProto& model_;
  std::unique_ptr<onnx::GraphProto> graph_;
  google::protobuf::RepeatedPtrField<onnx::TensorProto> initializers_;
};

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

void write_converted(ConvertedModel& m, std::ostream& out) {
  DetachedGraph detached(m.model);
  std::vector<size_t> lengths;
  size_t graph_length = detached.graph().ByteSizeLong();
  for (const auto& t : detached.initializers()) {
    size_t length = t.ByteSizeLong();
    if (const auto* data = external_bytes(m, t)) length += delimited_size(kRawDataField, data->nbytes);
    lengths.push_back(length);
    graph_length += delimited_size(kInitializerField, length);
  }
  size_t total = m.model.ByteSizeLong() + delimited_size(kGraphField, graph_length);
  if (total > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw Error("the ONNX model is " + std::to_string(total >> 20) +
                " MiB, over the 2 GiB that ONNX's protobuf format can hold in one file");

  // Large bytes go to `out` in one write each (through protobuf's streams they would be
  // copied in 8 KiB pieces, a write call each).
  auto message = [&](const google::protobuf::Message& part) {
    if (!part.SerializeToOstream(&out)) throw Error("writing the ONNX model failed");
  };
  message(m.model);
  write_delimited_header(out, kGraphField, graph_length);
  message(detached.graph());
  for (int i = 0; i < detached.initializers().size(); ++i) {
    const auto& t = detached.initializers()[i];
    write_delimited_header(out, kInitializerField, lengths[i]);
    message(t);
    if (const auto* data = external_bytes(m, t)) {
      write_delimited_header(out, kRawDataField, data->nbytes);
      out.write(static_cast<const char*>(data->data), static_cast<std::streamsize>(data->nbytes));
    }
  }
  if (!out) throw Error("writing the ONNX model failed");
}

}  // namespace mx
