// Operators of torch 2.x that TorchScript files written by it call and LibTorch 1.13 lacks,
// registered (schema + CPU kernel + Meta kernel) in the aten namespace before any model is loaded, so that
// such a file loads and traces; core/convert/ops/newer_ops.cpp converts them.
#pragma once

#include <string>
#include <vector>

namespace mx {

// Registers what LibTorch lacks; once per process, before torch::jit::load.
void register_newer_ops();

// "aten::scaled_dot_product_attention, aten::rms_norm": what register_newer_ops provides.
std::vector<std::string> newer_op_names();

}  // namespace mx
