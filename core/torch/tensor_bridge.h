// Between LibTorch's tensors and scalar types and the trace's TensorData and DType.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "model/trace.h"

namespace mx {

DType to_dtype(c10::ScalarType t);  // DType::Undefined for types the trace does not know
// Throws mx::Error for DType::Undefined.
c10::ScalarType to_scalar_type(DType t);

// The tensor's bytes, contiguous, kept alive by the TensorData (a copy when `copy`).
std::shared_ptr<TensorData> to_data(const at::Tensor& t, bool copy);
// A tensor holding a copy of the bytes.
at::Tensor from_data(const TensorData& d);
// A tensor reading the bytes in place (it keeps `d` alive): for a caller that writes no byte
// of it. A meta trace's inputs, which cost a copy as large as the pixels otherwise.
at::Tensor borrow_data(const std::shared_ptr<TensorData>& d);

// LibTorch's message without its backtrace and source excerpt (first_line in base/error.h).
std::string message_of(const std::exception& e);

}  // namespace mx
