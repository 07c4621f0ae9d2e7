// The fused fast paths eval mode takes under torch.no_grad(): aten::_native_multi_head_attention
// (nn.MultiheadAttention) and aten::_transformer_encoder_layer_fwd (nn.TransformerEncoderLayer),
// decomposed as the unfused path computes them. Each node goes to the submodule whose
// parameters it reads (self_attn, linear1, norm2, ...; see EmitContext::part_entry), the
// attention itself to the module owning in_proj_weight; out_proj, which the unfused path
// never calls, stays with the attention as in torch.onnx.export's scopes.
#include <cmath>
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// x @ w^T + b, w and b parameter arguments; in the submodules owning them.
std::string linear(EmitContext& cx, const std::string& x, size_t w, size_t b) {
  cx.use_entry(cx.part_entry(w));
  std::string wt = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {cx.tensor(w)}, {wt}), "perm", std::vector<int64_t>{1, 0});
  std::string y = cx.apply("MatMul", {x, wt});
  cx.use_entry(cx.part_entry(b));
  return cx.apply("Add", {y, cx.tensor(b)});
}

// LayerNorm over the last dim with parameter arguments w and b, in their submodule.
std::string layer_norm(EmitContext& cx, const std::string& x, size_t w, size_t b, double eps) {
  cx.use_entry(cx.part_entry(w));
  DType t = cx.arg(w).dtype;
  if (cx.opset() >= 17) {
    std::string out = cx.fresh("LayerNormalization");
    auto* n = cx.node("LayerNormalization", {x, cx.tensor(w), cx.tensor(b)}, {out});
    set_attr(n, "axis", static_cast<int64_t>(-1));
    set_attr(n, "epsilon", static_cast<float>(eps));
    return out;
  }
  auto mean = [&](const std::string& v, bool primary) {
    std::string out = cx.fresh("ReduceMean");
    auto* n = primary ? cx.node("ReduceMean", {v}, {out}) : cx.helper("ReduceMean", {v}, {out});
    set_attr(n, "axes", std::vector<int64_t>{-1});
    set_attr(n, "keepdims", static_cast<int64_t>(1));
    return out;
  };
  std::string d = cx.apply("Sub", {x, mean(x, true)}, false);
  std::string var = mean(cx.apply("Mul", {d, d}, false), false);
  std::string norm = cx.apply("Div", {d, cx.apply("Sqrt", {cx.apply("Add", {var, cx.const_scalar(eps, t)}, false)}, false)});
  return cx.apply("Add", {cx.apply("Mul", {norm, cx.tensor(w)}, false), cx.tensor(b)}, false);
}

struct Attention {
  size_t qkv_w, qkv_b, proj_w, proj_b;  // argument indices
  int64_t embed_dim, heads;
  int mask_arg = -1;  // bool mask argument, or -1
  int64_t mask_type = -1;
};

// (B, L, E) -> (B, H, L, D), or (B, H, D, L) for keys.
std::string heads_of(EmitContext& cx, const std::string& x, const Attention& a, bool keys) {
  std::string r = cx.apply("Reshape", {x, cx.const_ints({0, 0, a.heads, a.embed_dim / a.heads})}, false);
  std::string out = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {r}, {out}), "perm", keys ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 2, 1, 3});
  return out;
}

// Self-attention of x (B, L, E) (the fast paths take it for query = key = value only);
// returns the output and the (B, H, L, L) weights.
std::pair<std::string, std::string> attention(EmitContext& cx, const std::string& x, const Attention& a) {
  // One packed projection, split in three, as F.multi_head_attention_forward does.
  std::string qkv = linear(cx, x, a.qkv_w, a.qkv_b);
  cx.use_entry(cx.part_entry(a.qkv_w));
  std::string pq = cx.fresh("Split"), pk = cx.fresh("Split"), pv = cx.fresh("Split");
  set_attr(cx.helper("Split", {qkv, cx.const_ints({a.embed_dim, a.embed_dim, a.embed_dim})}, {pq, pk, pv}), "axis",
           static_cast<int64_t>(-1));
  cx.use_entry(cx.part_entry(a.qkv_w));
  DType t = cx.arg(a.qkv_w).dtype;
  double scale = 1.0 / std::sqrt(static_cast<double>(a.embed_dim / a.heads));
  std::string qh = cx.apply("Mul", {heads_of(cx, pq, a, false), cx.const_scalar(scale, t)}, false);
  std::string scores = cx.apply("MatMul", {qh, heads_of(cx, pk, a, true)});
  if (a.mask_arg >= 0) {
    if (cx.arg(a.mask_arg).dtype != DType::Bool) throw cx.error("only a bool mask is supported on the fused path");
    std::string mask = cx.tensor(a.mask_arg);
    if (a.mask_type == 1) mask = cx.apply("Unsqueeze", {mask, cx.const_ints({1, 2})}, false);  // key padding (B, S)
    scores = cx.apply("Where", {mask, cx.const_scalar(-std::numeric_limits<double>::infinity(), t), scores}, false);
  }
  std::string weights = cx.fresh("Softmax");
  set_attr(cx.node("Softmax", {scores}, {weights}), "axis", static_cast<int64_t>(-1));
  std::string ctx = cx.apply("MatMul", {weights, heads_of(cx, pv, a, false)});
  std::string merged = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {ctx}, {merged}), "perm", std::vector<int64_t>{0, 2, 1, 3});
  merged = cx.apply("Reshape", {merged, cx.const_ints({0, 0, a.embed_dim})}, false);
  return {linear(cx, merged, a.proj_w, a.proj_b), weights};
}

// _native_multi_head_attention(query, key, value, embed_dim, num_head, qkv_weight, qkv_bias,
// proj_weight, proj_bias, mask=None, need_weights=True, average_attn_weights=True, mask_type=None)
// -> (output, weights: averaged over heads, per head, or empty).
void emit_native_mha(EmitContext& cx) {
  if (cx.rank(0) != 3) throw cx.error("needs a batched (3-d) query");
  Attention a{5, 6, 7, 8, cx.int_arg(3), cx.int_arg(4)};
  if (!cx.is_none(9)) {
    a.mask_arg = 9;
    a.mask_type = cx.arg_count() > 12 && !cx.is_none(12) ? cx.int_arg(12) : 0;
  }
  if (cx.entry().inputs[0] != cx.entry().inputs[1] || cx.entry().inputs[1] != cx.entry().inputs[2])
    throw cx.error("only self-attention (query, key and value the same tensor) is supported on the fused path");
  auto [out, weights] = attention(cx, cx.tensor(0), a);
  cx.set_output(0, out);
  cx.use_entry(cx.part_entry(5));
  bool need_weights = cx.bool_arg(10), average = cx.bool_arg(11);
  if (!need_weights) return cx.set_output(1, constant_of_shape(cx, cx.const_ints(cx.out(1).shape), 0.0));
  if (!average) return cx.set_output(1, weights);
  std::string mean = cx.fresh("ReduceMean");
  auto* n = cx.node("ReduceMean", {weights}, {mean});
  set_attr(n, "axes", std::vector<int64_t>{1});
  set_attr(n, "keepdims", static_cast<int64_t>(0));
  cx.set_output(1, mean);
}

// _transformer_encoder_layer_fwd(src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight,
// proj_bias, use_gelu, norm_first, eps, norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2,
// ffn_weight_1, ffn_bias_1, ffn_weight_2, ffn_bias_2, mask=None, mask_type=None)
void emit_encoder_layer(EmitContext& cx) {
  if (cx.rank(0) != 3) throw cx.error("needs a batched (3-d) input");
  Attention a{3, 4, 5, 6, cx.int_arg(1), cx.int_arg(2)};
  if (cx.arg_count() > 18 && !cx.is_none(18)) {
    a.mask_arg = 18;
    a.mask_type = cx.arg_count() > 19 && !cx.is_none(19) ? cx.int_arg(19) : 0;
  }
  bool gelu = cx.bool_arg(7), norm_first = cx.bool_arg(8);
  double eps = cx.double_arg(9);
  auto ffn = [&](const std::string& x) {
    std::string h = linear(cx, x, 14, 15);
    cx.use_entry(cx.part_entry(0));  // the activation is the layer's own call, not linear1's
    if (gelu) {  // exact gelu: x/2 * (1 + erf(x/sqrt(2)))
      DType t = cx.arg(14).dtype;
      std::string e = cx.apply("Erf", {cx.apply("Div", {h, cx.const_scalar(std::sqrt(2.0), t)}, false)});
      h = cx.apply("Mul", {cx.apply("Mul", {h, cx.const_scalar(0.5, t)}, false), cx.apply("Add", {e, cx.const_scalar(1.0, t)}, false)},
                   false);
    } else {
      h = cx.apply("Relu", {h});
    }
    return linear(cx, h, 16, 17);
  };
  auto residual = [&](const std::string& x, const std::string& y) {
    cx.use_entry(cx.part_entry(0));  // the layer's own forward adds the residuals
    return cx.apply("Add", {x, y});
  };
  std::string x = cx.tensor(0);
  if (norm_first) {
    std::string h = layer_norm(cx, x, 10, 11, eps);
    x = residual(x, attention(cx, h, a).first);
    x = residual(x, ffn(layer_norm(cx, x, 12, 13, eps)));
  } else {
    x = layer_norm(cx, residual(x, attention(cx, x, a).first), 10, 11, eps);
    x = layer_norm(cx, residual(x, ffn(x)), 12, 13, eps);
  }
  cx.use_entry(cx.part_entry(0));
  cx.set_output(0, x);
}

}  // namespace

MX_OPS({
    {"aten::_native_multi_head_attention", 14, emit_native_mha},
    {"aten::_transformer_encoder_layer_fwd", 14, emit_encoder_layer},
})

}  // namespace mx
