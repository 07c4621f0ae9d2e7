// Ops the tracer runs on the values it knows (lists, numbers, module state): their results
// are constants of the trace, so no converter is ever asked for them (interpreted.cpp).
#pragma once

#include <vector>

#include "convert/ops/refused.h"

namespace mx {

// Each with what the tracer does with it, by name.
const std::vector<OpNote>& interpreted_ops();

}  // namespace mx
