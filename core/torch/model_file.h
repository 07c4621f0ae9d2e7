// A TorchScript file loaded by LibTorch, in eval mode (private to torch/).
#pragma once

#include <torch/script.h>

#include <string>

#include "torch/torchscript.h"

namespace mx {

struct TorchModel::Module {
  torch::jit::Module module;
};

// Throws mx::Error naming the file: missing, not a regular file, not TorchScript.
torch::jit::Module load_module(const std::string& path);

}  // namespace mx
