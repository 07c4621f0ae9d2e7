// The listing of `modelexport ops`: every registry entry, the ops refused on purpose (with
// why) and the ops the tracer evaluates itself; as JSON (schema: report/ops.proto) or text.
#pragma once

#include <string>

#include "convert/op_registry.h"

namespace mx {

std::string ops_json(const OpRegistry& registry);

// One line per entry ("aten::conv2d  opset 11+  core/convert/ops/conv.cpp"; refusing entries
// add "  refused: REASON"), then the ops refused without an entry and the interpreted ones,
// then "N aten operators: C converted, R refused on purpose, I interpreted by the tracer".
std::string ops_text(const OpRegistry& registry);

}  // namespace mx
