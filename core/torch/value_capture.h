// What the trace records of a runtime value: kind, dtype and shape, scalar contents.
#pragma once

#include <torch/script.h>

#include "model/trace.h"

namespace mx {

// Fills `v` from a tensor, number, bool, scalar list, string, None or device and returns
// true; returns false (v untouched) for modules, lists, tuples and dicts, which the
// interpreter records with their elements. `keep_value` also copies a tensor's bytes
// into Value::observed.
bool capture_leaf(const c10::IValue& iv, bool keep_value, Value& v);

// A list's, tuple's or dict's items (a dict's values, in insertion order).
std::vector<c10::IValue> container_items(const c10::IValue& iv);

}  // namespace mx
