// PyTorch's _unqualified_variable_name (torch/csrc/jit/passes/onnx/naming.cpp), the one rule
// our node names and our reading of PyTorch's node names share: the module path from its
// last non-numeric atom on, so "layer1.0" stays "layer1.0" and "encoder.layer.0" becomes
// "layer.0".
#pragma once

#include <string>

namespace mx {

std::string unqualified_name(const std::string& path);

// True for a non-empty string of ASCII digits (a list index in a module path).
bool all_digits(const std::string& s);

}  // namespace mx
