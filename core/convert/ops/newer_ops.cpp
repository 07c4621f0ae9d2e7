// torch 2.x operators that LibTorch 1.13 lacks (registered by torch/newer_ops.cpp so that
// files of torch 2.x load): scaled_dot_product_attention and rms_norm, decomposed as torch
// 2.x's math reference computes them.
#include <cmath>
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// k and v with each of their heads repeated to the query's (grouped-query attention).
std::string repeat_heads(EmitContext& cx, size_t i, int64_t times) {
  const auto& shape = cx.arg(i).shape;
  std::string x = cx.apply("Unsqueeze", {cx.tensor(i), cx.const_ints({-3})}, false);  // (B, Hk, 1, S, E)
  std::vector<int64_t> reps(shape.size() + 1, 1);
  reps[shape.size() - 2] = times;
  x = cx.apply("Tile", {x, cx.const_ints(reps)}, false);  // (B, Hk, r, S, E)
  std::vector<int64_t> target(shape.size() - 3, 0);  // leading dims as they are
  target.insert(target.end(), {shape[shape.size() - 3] * times, -1, shape.back()});
  return cx.apply("Reshape", {x, cx.const_ints(target)}, false);
}

// The (L, S) sizes of the scores, as a 1-d int64 tensor.
std::string score_sizes(EmitContext& cx) {
  const int64_t L = cx.arg(0).shape[cx.rank(0) - 2], S = cx.arg(1).shape[cx.rank(1) - 2];
  if (!cx.is_shape_dynamic(0) && !cx.is_shape_dynamic(1)) return cx.const_ints({L, S});
  auto last_but_one = [&](size_t i) {
    std::string shape = cx.apply("Shape", {cx.tensor(i)}, false);
    return cx.apply("Slice", {shape, cx.const_ints({-2}), cx.const_ints({-1})}, false);
  };
  std::string out = cx.fresh("Concat");
  set_attr(cx.helper("Concat", {last_but_one(0), last_but_one(1)}, {out}), "axis", static_cast<int64_t>(0));
  return out;
}

// scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
// is_causal=False, *, scale=None, enable_gqa=False)
void emit_sdpa(EmitContext& cx) {
  auto given = [&](size_t i) { return i < cx.arg_count() && !cx.is_none(i); };
  if (given(4) && cx.double_arg(4) != 0.0)
    throw cx.error("dropout_p must be 0 (dropout belongs to training; export in eval mode)");
  const bool causal = given(5) && cx.bool_arg(5), gqa = given(7) && cx.bool_arg(7);
  if (causal && given(3)) throw cx.error("an explicit attn_mask cannot be set when is_causal=True (as in torch)");
  if (cx.rank(0) < 2 || cx.rank(1) < 2 || cx.rank(2) < 2) throw cx.error("query, key and value need at least 2 dims");
  if (cx.is_shape_dynamic(0) && cx.arg(0).shape.back() <= 0) throw cx.error("the head size must be static");
  const DType t = cx.arg(0).dtype;
  const double scale = given(6) ? cx.double_arg(6) : 1.0 / std::sqrt(static_cast<double>(cx.arg(0).shape.back()));
  std::string q = cx.tensor(0), k = cx.tensor(1), v = cx.tensor(2);
  if (gqa && cx.rank(0) >= 3) {
    const int64_t hq = cx.arg(0).shape[cx.rank(0) - 3], hk = cx.arg(1).shape[cx.rank(1) - 3];
    if (hk <= 0 || hq % hk != 0) throw cx.error("query heads must be a multiple of key heads for enable_gqa");
    if (hq != hk) k = repeat_heads(cx, 1, hq / hk), v = repeat_heads(cx, 2, hq / hk);
  }
  std::vector<int64_t> perm;
  for (size_t d = 0; d < cx.rank(1); ++d) perm.push_back(static_cast<int64_t>(d));
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  std::string kt = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {k}, {kt}), "perm", perm);
  std::string scores = cx.apply("Mul", {cx.apply("MatMul", {q, kt}), cx.const_scalar(scale, t)});
  const std::string neg_inf = cx.const_scalar(-std::numeric_limits<double>::infinity(), t);
  if (causal) {
    std::string lower = cx.fresh("Trilu");
    set_attr(cx.helper("Trilu", {constant_of_shape(cx, score_sizes(cx), 1.0)}, {lower}), "upper", static_cast<int64_t>(0));
    std::string masked = cx.apply("Equal", {lower, cx.const_scalar(0.0, t)}, false);
    scores = cx.apply("Where", {masked, neg_inf, scores});
  }
  if (given(3)) {
    const std::string mask = cx.tensor(3);
    if (cx.arg(3).dtype == DType::Bool)  // True takes part in attention
      scores = cx.apply("Where", {cx.apply("Not", {mask}, false), neg_inf, scores});
    else
      scores = cx.apply("Add", {scores, cx.arg(3).dtype == t ? mask : cx.cast(mask, cx.arg(3).dtype, t)});
  }
  std::string weights = cx.fresh("Softmax");
  set_attr(cx.node("Softmax", {scores}, {weights}), "axis", static_cast<int64_t>(-1));
  cx.set_output(0, cx.apply("MatMul", {weights, v}));
}

// rms_norm(input, normalized_shape, weight=None, eps=None): x / sqrt(mean(x^2) + eps) * weight
// over the last len(normalized_shape) dims; eps defaults to the float epsilon.
void emit_rms_norm(EmitContext& cx) {
  const auto normalized = cx.ints_arg(1);
  const size_t rank = cx.rank(0), n = normalized.size();
  if (n == 0 || n > rank) throw cx.error("normalized_shape must name 1 to " + std::to_string(rank) + " dims");
  const DType t = cx.arg(0).dtype;
  const double eps = cx.arg_count() > 3 && !cx.is_none(3) ? cx.double_arg(3)
                                                           : static_cast<double>(std::numeric_limits<float>::epsilon());
  std::vector<int64_t> axes;
  for (size_t i = 0; i < n; ++i) axes.push_back(static_cast<int64_t>(rank - n + i));
  const std::string x = cx.tensor(0);
  std::string mean = cx.fresh("ReduceMean");
  auto* r = cx.node("ReduceMean", {cx.apply("Mul", {x, x})}, {mean});
  set_attr(r, "axes", axes);
  set_attr(r, "keepdims", static_cast<int64_t>(1));
  std::string denom = cx.apply("Sqrt", {cx.apply("Add", {mean, cx.const_scalar(eps, t)})});
  std::string y = cx.apply("Div", {x, denom});
  if (cx.arg_count() > 2 && !cx.is_none(2)) y = cx.apply("Mul", {y, cx.tensor(2)});
  cx.set_output(0, y);
}

}  // namespace

MX_OPS({
    {"aten::scaled_dot_product_attention", 14, emit_sdpa},
    {"aten::rms_norm", 14, emit_rms_norm},
})

}  // namespace mx
