// Convolution relatives: conv_tbc (time, batch, channel layout, as fairseq uses) and
// _weight_norm (the weight of nn.utils.weight_norm'ed layers: v * g / |v|).
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/reduce_util.h"

namespace mx {
namespace {

std::string transpose(EmitContext& cx, const std::string& x, const std::vector<int64_t>& perm) {
  std::string out = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {x}, {out}), "perm", perm);
  return out;
}

// aten::conv_tbc(self (T, B, Cin), weight (K, Cin, Cout), bias (Cout), pad=0) -> (T', B, Cout):
// a 1-d Conv on (B, Cin, T) with the weight as (Cout, Cin, K), padded `pad` at both ends.
void emit_conv_tbc(EmitContext& cx) {
  if (cx.rank(0) != 3 || cx.rank(1) != 3 || cx.rank(2) != 1)
    throw cx.error("expected a 3-d input, a 3-d weight and a 1-d bias, got " + std::to_string(cx.rank(0)) + "-d, " +
                   std::to_string(cx.rank(1)) + "-d and " + std::to_string(cx.rank(2)) + "-d");
  int64_t pad = cx.int_arg(3);
  if (pad < 0) throw cx.error("pad must not be negative, got " + std::to_string(pad));
  DType t = cx.out().dtype;
  std::string x = transpose(cx, cx.tensor_as(0, t), {1, 2, 0});
  std::string w = transpose(cx, cx.tensor_as(1, t), {2, 1, 0});
  std::string out = cx.fresh("Conv");
  auto* n = cx.node("Conv", {x, w, cx.tensor_as(2, t)}, {out});
  set_attr(n, "kernel_shape", std::vector<int64_t>{cx.arg(1).shape[0]});
  set_attr(n, "pads", std::vector<int64_t>{pad, pad});
  cx.set_output(0, transpose(cx, out, {2, 0, 1}));
}

// aten::_weight_norm(v, g, dim=0) = v * (g / norm_except_dim(v, 2, dim)): the L2 norm over
// every dim but `dim`; dim=-1 (what weight_norm(dim=None) passes) is the norm of all of v.
void emit_weight_norm(EmitContext& cx) {
  size_t rank = cx.rank(0);
  int64_t dim = cx.int_arg(2);
  std::vector<int64_t> axes = all_axes(rank);
  if (dim != -1) {
    int64_t keep = cx.norm_dim(dim, rank);
    axes.erase(axes.begin() + keep);
  }
  DType t = cx.out().dtype;
  std::string v = cx.tensor_as(0, t);
  std::string norm = axes.empty() ? cx.apply("Abs", {v}, false) : reduce(cx, "ReduceL2", v, axes, true, false);
  std::string scale = cx.apply("Div", {cx.tensor_as(1, t), norm}, false);
  cx.set_output(0, cx.apply("Mul", {v, scale}));
}

}  // namespace

MX_OPS({
    {"aten::conv_tbc", 11, emit_conv_tbc},
    {"aten::_weight_norm", 11, emit_weight_norm},
})

}  // namespace mx
