// Ops refused on purpose: they only make sense in training or sampling, or need quantized
// tensors. Each is registered with an emitter that fails with its reason (refused.cpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mx {

// (aten op, reason), in-place forms included where PyTorch has them.
const std::vector<std::pair<std::string, std::string>>& refused_ops();

}  // namespace mx
