// Checks on an ONNX file's external data references (initializers whose bytes live in
// another file): they must stay inside the model's folder and match the tensor's size.
// Nothing here reads the data; only the referenced files' types and sizes are looked at.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace mx {

// One line per problem: a location that is absolute, has '..', or resolves (through links)
// outside the folder of `onnx_path`; a file that is missing or not regular; an offset or
// length past its end; a length that differs from dims x element size.
std::vector<std::string> external_data_problems(const onnx::ModelProto& model, const std::string& onnx_path);

// Whether any initializer of `model` keeps its bytes in external data.
bool has_external_data(const onnx::ModelProto& model);

// The files `model`'s external initializers name (each once, resolved against the folder of
// `onnx_path`): inputs of a command that reads the model, which no output may replace.
std::vector<std::string> external_data_files(const onnx::ModelProto& model, const std::string& onnx_path);

// `model` with each external initializer's entries replaced by a one-byte inline stand-in,
// for ONNX's checker: libonnx 1.12 looks for an external file relative to the process's
// folder, not the model's (external_data_problems checks the entries properly).
onnx::ModelProto with_external_stand_ins(const onnx::ModelProto& model);

// Bytes per element of an ONNX TensorProto data type; 0 for unknown or sub-byte types.
size_t onnx_element_size(int32_t data_type);

}  // namespace mx
