// --check: a meta trace against the real trace of the same inputs. They must agree on
// every op and value (kind, dtype, shape, numbers, the bytes of every constant); the first
// difference is an error naming the op and its module.
#pragma once

#include "model/trace.h"

namespace mx {

// Throws mx::Error at the first difference between `meta` and `real`.
void check_meta_trace(const Trace& meta, const Trace& real);

}  // namespace mx
