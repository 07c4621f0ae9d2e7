// torchvision's operators (torchvision::nms, roi_align, roi_pool, ps_roi_align, ps_roi_pool,
// deform_conv2d) with torchvision 0.14's schemas and our own CPU (and Meta) kernels,
// registered before any model is loaded: a traced detection model calls them, and without
// Python nobody else provides them. core/convert/ops/torchvision_ops.cpp converts them.
#pragma once

#include <string>
#include <vector>

namespace mx {

// Registers the torchvision namespace's operators; once per process, before torch::jit::load.
// A process that already has them (torchvision's own library loaded) keeps its own.
void register_torchvision_ops();

// "torchvision::nms", ...: what register_torchvision_ops provides.
std::vector<std::string> torchvision_op_names();

}  // namespace mx
