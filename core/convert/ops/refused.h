// Ops refused on purpose: they only make sense in training or sampling, or need quantized
// tensors (their emitters fail with the reason), or cannot occur in a graph (refused.cpp).
#pragma once

#include <vector>

#include "convert/op_registry.h"

namespace mx {

// The reason `emit` refuses its ops, or nullptr if it is not one of refused.cpp's emitters.
const char* refusal_reason(Emitter emit);

// An op we do not convert, on purpose, and why.
struct OpNote {
  const char* aten;
  const char* reason;
};

// Ops of torch.onnx's registry that no graph of torch 1.13 can hold (it has no such aten
// op, or only complex tensors reach it): refused without a registry entry, since no
// converter could ever be asked for them.
const std::vector<OpNote>& refused_without_entry();

}  // namespace mx
