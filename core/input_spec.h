// Example inputs as the user gives them: NAME:DTYPE:DIMS (e.g. x:float32:1x3x224x224).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trace.h"

namespace mx {

struct InputSpec {
  std::string name;
  DType dtype = DType::Float;
  std::vector<int64_t> dims;
};

// Throws mx::Error naming the spec and what is wrong with it.
InputSpec parse_input_spec(const std::string& text);

}  // namespace mx
