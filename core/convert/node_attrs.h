// Attributes and raw constant bytes of the ONNX nodes that emitters make.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/trace.h"

namespace mx {

// A new attribute of `node`, named and typed, for the caller to fill.
onnx::AttributeProto* add_attr(onnx::NodeProto* node, const std::string& name,
                               onnx::AttributeProto::AttributeType type);
void set_attr(onnx::NodeProto* node, const std::string& name, int64_t value);
void set_attr(onnx::NodeProto* node, const std::string& name, float value);
void set_attr(onnx::NodeProto* node, const std::string& name, const std::vector<int64_t>& values);
void set_attr(onnx::NodeProto* node, const std::string& name, const std::string& value);

// Raw little-endian bytes of one number as `dtype`; empty for types made through a Cast.
std::string encode_scalar(double value, DType dtype);

}  // namespace mx
