// The one exception type core throws: its message is complete and shown to the user as is.
#pragma once

#include <stdexcept>
#include <string>

namespace mx {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace mx
