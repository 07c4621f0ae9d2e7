// Example inputs as the user gives them: NAME:DTYPE:DIMS[:LOW..HIGH], and NAME=VALUE constants
// (e.g. x:float32:1x3x224x224, input_ids:int64:1x16:0..99).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/trace.h"

namespace mx {

struct InputSpec {
  std::string name;
  DType dtype = DType::Float;
  std::vector<int64_t> dims;
  // Integer and bool inputs are drawn uniformly from [low, high]; floats from N(0, 1).
  int64_t low = 0, high = 9;
};

// Throws mx::Error naming the spec and what is wrong with it.
InputSpec parse_input_spec(const std::string& text);

// --arg NAME=VALUE: a forward argument that is a number, bool or string (or None); its
// value is read by the argument's type when the model is loaded.
struct ArgSpec {
  std::string name, value;
};

// Throws mx::Error naming the text when it has no '=' or no name.
ArgSpec parse_arg_spec(const std::string& text);

}  // namespace mx
