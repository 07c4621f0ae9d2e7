// The ops the tracer evaluates on known values (see interpreted.h). aten::__getitem__ and
// aten::len are run by it too, but have converters for lists of sizes under --dynamic
// (list_index.cpp).
#include "convert/ops/interpreted.h"

namespace mx {

const std::vector<OpNote>& interpreted_ops() {
  static const std::vector<OpNote> ops = [] {
    const char* lists = "list and scalar op: run by the tracer on known values";
    std::vector<OpNote> v;
    for (const char* op : {"aten::Delete", "aten::__derive_index", "aten::__is__", "aten::__isnot__",
                           "aten::__not__", "aten::__range_length", "aten::_dim_arange", "aten::_set_item",
                           "aten::alias", "aten::append", "aten::dim",
                           "aten::insert", "aten::is_floating_point", "aten::is_pinned", "aten::lift",
                           "aten::list", "aten::numel", "aten::pop"})
      v.push_back({op, lists});
    return v;
  }();
  return ops;
}

}  // namespace mx
