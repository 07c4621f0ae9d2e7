// Normalizations beyond batch_norm/layer_norm: group_norm, instance_norm (with input or
// running statistics), native_layer_norm (with its mean and rstd outputs).
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/reduce_util.h"

namespace mx {
namespace {

// Per-channel argument i of x (rank `rank`, channels on dim 1) reshaped to broadcast.
std::string per_channel(EmitContext& cx, size_t i, size_t rank) {
  std::vector<int64_t> shape(rank - 1, 1);
  shape[0] = -1;
  return cx.apply("Reshape", {cx.tensor(i), cx.const_ints(shape)}, false);
}

// (x - mean) / sqrt(var + eps) over axes, also returning mean and 1/sqrt(var + eps).
struct Normalized {
  std::string y, mean, rstd;
};

Normalized normalize(EmitContext& cx, const std::string& x, const std::vector<int64_t>& axes, double eps, DType t) {
  Normalized n;
  n.mean = reduce(cx, "ReduceMean", x, axes, true);
  std::string d = cx.apply("Sub", {x, n.mean}, false);
  std::string var = reduce(cx, "ReduceMean", cx.apply("Mul", {d, d}, false), axes, true, false);
  n.rstd = cx.apply("Reciprocal", {cx.apply("Sqrt", {cx.apply("Add", {var, cx.const_scalar(eps, t)}, false)}, false)}, false);
  n.y = cx.apply("Mul", {d, n.rstd}, false);
  return n;
}

// group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled)
void emit_group_norm(EmitContext& cx) {
  size_t rank = cx.rank(0);
  if (rank < 2) throw cx.error("needs a tensor of at least 2 dims (N, C, ...)");
  int64_t groups = cx.int_arg(1);
  DType t = cx.out().dtype;
  std::string x = cx.tensor(0);
  std::string grouped = cx.apply("Reshape", {x, cx.const_ints({0, groups, -1})}, false);
  std::string y = normalize(cx, grouped, {2}, cx.double_arg(4), t).y;
  y = cx.apply("Reshape", {y, cx.apply("Shape", {x}, false)}, false);
  if (!cx.is_none(2)) y = cx.apply("Mul", {y, per_channel(cx, 2, rank)}, false);
  if (!cx.is_none(3)) y = cx.apply("Add", {y, per_channel(cx, 3, rank)}, false);
  cx.set_output(0, y);
}

// instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
// eps, cudnn_enabled): per sample and channel statistics, or the running ones.
void emit_instance_norm(EmitContext& cx) {
  size_t rank = cx.rank(0);
  if (rank < 3) throw cx.error("needs a tensor of at least 3 dims (N, C, ...)");
  DType t = cx.out().dtype;
  int64_t channels = cx.arg(0).shape[1];
  auto param = [&](size_t i, double fill) {
    if (!cx.is_none(i)) return cx.tensor(i);
    return cx.apply("Expand", {cx.const_scalar(fill, t), cx.const_ints({channels})}, false);
  };
  double eps = cx.double_arg(7);
  std::string out;
  if (cx.bool_arg(5)) {
    out = cx.fresh("InstanceNormalization");
    set_attr(cx.node("InstanceNormalization", {cx.tensor(0), param(1, 1.0), param(2, 0.0)}, {out}), "epsilon",
             static_cast<float>(eps));
  } else {
    if (cx.is_none(3) || cx.is_none(4)) throw cx.error("use_input_stats=False needs running_mean and running_var");
    out = cx.fresh("BatchNormalization");
    set_attr(cx.node("BatchNormalization", {cx.tensor(0), param(1, 1.0), param(2, 0.0), cx.tensor(3), cx.tensor(4)}, {out}),
             "epsilon", static_cast<float>(eps));
  }
  cx.set_output(0, out);
}

// native_layer_norm(input, normalized_shape, weight, bias, eps) -> (out, mean, rstd), the
// statistics shaped as the input with the normalized dims kept as 1.
void emit_native_layer_norm(EmitContext& cx) {
  size_t rank = cx.rank(0), k = cx.ints_arg(1).size();
  DType t = cx.out().dtype;
  std::vector<int64_t> axes;
  for (size_t d = rank - k; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  Normalized n = normalize(cx, cx.tensor(0), axes, cx.double_arg(4), t);
  std::string y = n.y;
  if (!cx.is_none(2)) y = cx.apply("Mul", {y, cx.tensor(2)}, false);
  if (!cx.is_none(3)) y = cx.apply("Add", {y, cx.tensor(3)}, false);
  cx.set_output(0, y);
  cx.set_output(1, n.mean);
  cx.set_output(2, n.rstd);
}

}  // namespace

MX_OPS({
    {"aten::group_norm", 14, emit_group_norm},
    {"aten::instance_norm", 15, emit_instance_norm},
    {"aten::native_layer_norm", 14, emit_native_layer_norm},
})

}  // namespace mx
