// Ops that lay tensors out on a common shape: broadcast_tensors, meshgrid, diagonal.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// `x` expanded to the broadcast shape of `others` (Expand broadcasts, so chaining through
// every shape gives the common one, dynamic axes included).
std::string broadcast_to_all(EmitContext& cx, const std::string& x, const std::vector<std::string>& others) {
  std::string b = x;
  for (const auto& o : others) b = cx.apply("Expand", {b, cx.apply("Shape", {o}, false)}, false);
  return b;
}

// broadcast_tensors(tensors)
void emit_broadcast_tensors(EmitContext& cx) {
  auto names = cx.tensor_list(0);
  std::vector<std::string> outs;
  for (const auto& n : names) outs.push_back(cx.apply("Identity", {broadcast_to_all(cx, n, names)}));
  cx.set_list_output(0, outs);
}

// meshgrid(tensors) / meshgrid.indexing(tensors, indexing='ij'): tensor k varies along dim k
// ('ij'), or with the first two dims swapped ('xy').
void emit_meshgrid(EmitContext& cx) {
  std::string indexing = cx.arg_count() > 1 && !cx.is_none(1) ? cx.string_arg(1) : "ij";
  if (indexing != "ij" && indexing != "xy") throw cx.error("unknown indexing='" + indexing + "'");
  auto names = cx.tensor_list(0);
  size_t n = names.size();
  std::vector<std::string> rows;
  for (size_t k = 0; k < n; ++k) {
    size_t dim = indexing == "xy" && n > 1 && k < 2 ? 1 - k : k;
    std::vector<int64_t> shape(n, 1);
    shape[dim] = -1;
    rows.push_back(cx.apply("Reshape", {names[k], cx.const_ints(shape)}, false));
  }
  std::vector<std::string> outs;
  for (const auto& r : rows) outs.push_back(cx.apply("Identity", {broadcast_to_all(cx, r, rows)}));
  cx.set_list_output(0, outs);
}

// diagonal(self, offset=0, dim1=0, dim2=1): dim1 and dim2 removed, the diagonal appended as
// the last dim; a Gather of the flattened pair of dims at the diagonal's positions.
void emit_diagonal(EmitContext& cx) {
  size_t rank = cx.rank(0);
  int64_t offset = cx.arg_count() > 1 ? cx.int_arg(1) : 0;
  int64_t d1 = cx.norm_dim(cx.arg_count() > 2 ? cx.int_arg(2) : 0, rank);
  int64_t d2 = cx.norm_dim(cx.arg_count() > 3 ? cx.int_arg(3) : 1, rank);
  if (d1 == d2) throw cx.error("dim1 and dim2 are the same dim");
  std::vector<int64_t> perm, keep_shape;
  for (size_t d = 0; d < rank; ++d)
    if (static_cast<int64_t>(d) != d1 && static_cast<int64_t>(d) != d2) {
      perm.push_back(static_cast<int64_t>(d));
      keep_shape.push_back(0);
    }
  perm.push_back(d1);
  perm.push_back(d2);
  int64_t rows = cx.arg(0).shape[d1], cols = cx.arg(0).shape[d2];
  std::vector<int64_t> index;
  for (int64_t i = std::max<int64_t>(0, -offset), j = std::max<int64_t>(0, offset); i < rows && j < cols; ++i, ++j)
    index.push_back(i * cols + j);
  std::string moved = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {cx.tensor(0)}, {moved}), "perm", perm);
  keep_shape.push_back(rows * cols);
  std::string flat = cx.apply("Reshape", {moved, cx.const_ints(keep_shape)}, false);
  std::string out = cx.fresh("Gather");
  set_attr(cx.node("Gather", {flat, cx.const_ints(index)}, {out}), "axis", static_cast<int64_t>(rank - 2));
  cx.set_output(0, out);
}

}  // namespace

MX_OPS({
    {"aten::broadcast_tensors", 14, emit_broadcast_tensors},
    {"aten::meshgrid", 14, emit_meshgrid},
    {"aten::diagonal", 14, emit_diagonal},
})

}  // namespace mx
