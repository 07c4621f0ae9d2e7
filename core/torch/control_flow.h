// What the interpreter needs to know of prim::If and prim::Loop: how to name one for a
// person, and which ops turn tensor contents (not sizes) into the scalars they test.
#pragma once

#include <torch/script.h>

#include <string>

namespace mx {

// "if at model.py:40", "while loop at model.py:12", "for loop at ...": the construct as
// the user wrote it, located by the model's saved source ranges when it has them.
// `model_path` names the file in the error for damaged debug information (LibTorch reads a
// code file's .debug_pkl only when a range is first asked for, long after the load).
std::string construct_name(const torch::jit::Node* node, const std::string& model_path);

// True for an if with a branch that raises (scripted `assert`, `if bad: raise ...`).
bool is_assertion(const torch::jit::Node* node);

// False for the ops that read only a tensor's metadata (size, dim, dtype, ...): a scalar
// such an op makes from an input tensor is fixed by the example's sizes, not its values.
bool reads_tensor_data(c10::Symbol op);

}  // namespace mx
