// Binding what the user gives (named example tensors, --arg NAME=VALUE constants) to the
// arguments of a model's forward, as its schema declares them: tensors, Optional tensors,
// lists, tuples and dicts of tensors, numbers, bools and strings, and defaults.
#pragma once

#include <torch/script.h>

#include <string>
#include <vector>

#include "model/input_spec.h"
#include "model/trace.h"

namespace mx {

struct ForwardCall {
  std::vector<c10::IValue> args;  // one per forward argument after self
  // The graph's inputs, in the order given: each a tensor inside args[arg], either the
  // argument itself (element -1) or its element-th item (list and tuple position, or the
  // dict item's position in insertion order).
  struct Input {
    std::string name;
    size_t arg = 0;
    int64_t element = -1;
  };
  std::vector<Input> inputs;
  std::vector<ConstantArgument> constants;  // forward's other arguments: --arg or default
};

// Binds `tensors` (named by `names`; an empty name takes its place among forward's tensor
// arguments) and `args` to `forward`'s schema. Names are forward's argument names, or
// ARG.K / ARG.KEY for the items of a list, tuple or dict argument; if the names are not
// forward's argument names, the tensors fill forward's tensor arguments in order (the
// names then only name the graph inputs). Arguments left out take their defaults (an
// Optional one None). Throws mx::Error naming the argument and what to give.
ForwardCall bind_forward(const c10::FunctionSchema& forward, const std::vector<std::string>& names,
                         const std::vector<at::Tensor>& tensors, const std::vector<ArgSpec>& args,
                         const std::string& model_path);

}  // namespace mx
