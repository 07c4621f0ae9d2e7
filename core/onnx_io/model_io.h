// Reading, checking and writing a ConvertedModel whose initializers keep their bytes
// outside the proto (ConvertedModel::external_data).
#pragma once

#include <ostream>
#include <string_view>

#include "convert/onnx_graph.h"

namespace mx {

struct ExternalPlan;

// The bytes of initializer `t` of `m`: its external data, else its raw_data (empty for a
// tensor that stores its values in a typed field such as float_data).
std::string_view initializer_bytes(const ConvertedModel& m, const onnx::TensorProto& t);

// Runs ONNX's checker on `m`. The checker wants one data field per initializer and does
// not compare its size with the shape, so external ones get a one-byte stand-in while it
// runs; `m` is as before afterwards, also on error.
void check_converted(ConvertedModel& m);

// Makes ONNX build its table of operator schemas, which it does once per process, on first
// use (5-10 ms, most of the first check_converted's time): a caller may do that on another
// thread while it waits for something else. Thread-safe.
void build_onnx_schemas();

// Writes `m` in ONNX's protobuf format, external bytes streamed straight from where they
// are. The file parses to the same ModelProto as one with the bytes in raw_data; only the
// order of fields differs (initializers come after the rest of the graph, the graph after
// the rest of the model), which protobuf allows. The initializers in `plan` (if given) get
// ONNX external data entries (location, offset, length; data_location EXTERNAL) instead of
// their bytes, which write_external_data puts in the data file. Throws mx::Error over
// 2 GiB, the most a protobuf message can hold, saying how to get external data.
void write_converted(ConvertedModel& m, std::ostream& out, const ExternalPlan* plan = nullptr);

}  // namespace mx
