// The module tree of a loaded model, as named_modules() spells the paths.
#pragma once

#include <torch/script.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "model/trace.h"

namespace mx {

// Module object -> index in the tree of its first path (named_modules() order), so that the
// interpreter knows which instance runs; a call reached through another path has that
// path's own index (see Module::other_paths).
using ModuleIndex = std::unordered_map<const c10::ivalue::Object*, int64_t>;

// Appends `root` and its descendants to `modules` ([0] the root), one per path: a shared
// instance appears at each of its paths, each listing the others in other_paths.
void build_module_tree(const torch::jit::Module& root, std::vector<Module>& modules, ModuleIndex& index);

// "__torch__.torchvision.models.resnet.___torch_mangle_3.BasicBlock" ->
// "torchvision.models.resnet.BasicBlock".
std::string clean_class_name(const std::string& qualified);

}  // namespace mx
