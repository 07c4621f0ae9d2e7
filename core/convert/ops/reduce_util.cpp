// Reduction helpers shared by the reduction emitters.
#include "convert/ops/reduce_util.h"

namespace mx {

std::vector<int64_t> all_axes(size_t rank) {
  std::vector<int64_t> axes;
  for (size_t d = 0; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  return axes;
}

std::vector<int64_t> reduce_axes(const EmitContext& cx, size_t i) {
  size_t rank = cx.rank(0);
  if (cx.is_none(i)) return all_axes(rank);
  std::vector<int64_t> axes;
  for (auto d : cx.ints_arg(i)) axes.push_back(cx.norm_dim(d, std::max<size_t>(rank, 1)));
  if (rank == 0) return {};
  return axes.empty() ? all_axes(rank) : axes;
}

std::string reduce(EmitContext& cx, const std::string& op, const std::string& x, const std::vector<int64_t>& axes,
                   bool keepdims, bool primary) {
  if (axes.empty()) return x;  // a 0-d tensor: nothing to reduce
  std::string out = cx.fresh(op);
  onnx::NodeProto* n;
  if (op == "ReduceSum") {
    n = primary ? cx.node(op, {x, cx.const_ints(axes)}, {out}) : cx.helper(op, {x, cx.const_ints(axes)}, {out});
  } else {
    n = primary ? cx.node(op, {x}, {out}) : cx.helper(op, {x}, {out});
    set_attr(n, "axes", axes);
  }
  set_attr(n, "keepdims", static_cast<int64_t>(keepdims));
  return out;
}

}  // namespace mx
