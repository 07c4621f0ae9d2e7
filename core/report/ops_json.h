// The JSON of `modelexport ops --json` (schema: report/ops.proto).
#pragma once

#include <string>

#include "convert/op_registry.h"

namespace mx {

std::string ops_json(const OpRegistry& registry);

}  // namespace mx
