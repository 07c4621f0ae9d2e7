// Ops refused on purpose: they only make sense in training or sampling, or need quantized
// tensors. Their emitters fail with the reason (refused.cpp).
#pragma once

#include "convert/op_registry.h"

namespace mx {

// The reason `emit` refuses its ops, or nullptr if it is not one of refused.cpp's emitters.
const char* refusal_reason(Emitter emit);

}  // namespace mx
