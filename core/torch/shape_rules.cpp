// Shape rules for ops without a meta kernel in LibTorch 1.13 (see shape_rules.h). Python's
// torch registers meta kernels of its own (torch/_meta_registrations.py) that LibTorch
// alone lacks: these are the ones the zoo runs, so that their FLOPs are not spent on
// placeholder data. Anything a rule does not cover returns false and runs on placeholders.
#include "torch/shape_rules.h"

#include <functional>
#include <map>
#include <string>

namespace mx {
namespace {

namespace jit = torch::jit;

using Rule = std::function<bool(jit::Stack&)>;

at::Tensor meta(c10::IntArrayRef sizes, const at::Tensor& like) {
  return at::empty(sizes, like.options().device(c10::kMeta));
}

// Elementwise and normalisation ops: one output shaped as the first input.
bool same_as_input(jit::Stack& v) {
  const auto& x = v.at(0).toTensor();
  v = {c10::IValue(meta(x.sizes(), x))};
  return true;
}

// aten::_convolution, aten::convolution (input, weight, bias, stride, padding, dilation,
// transposed, output_padding, groups, ...) and aten::convNd (input, weight, bias, stride,
// padding, dilation, groups) with int padding.
bool convolution(jit::Stack& v, bool full) {
  const auto& x = v.at(0).toTensor();
  const auto& w = v.at(1).toTensor();
  if (!v.at(4).isIntList()) return false;  // padding="same"/"valid"
  int64_t spatial = w.dim() - 2;
  auto list = [&](size_t i) {
    auto l = v.at(i).toIntVector();
    if (l.size() == 1) l.resize(spatial, l[0]);
    return l;
  };
  auto stride = list(3), padding = list(4), dilation = list(5);
  bool transposed = full && v.at(6).toBool();
  auto output_padding = full ? list(7) : std::vector<int64_t>(spatial, 0);
  int64_t groups = v.at(full ? 8 : 6).toInt();
  if (x.dim() != spatial + 2 || stride.size() != static_cast<size_t>(spatial)) return false;  // unbatched
  std::vector<int64_t> out{x.size(0), transposed ? w.size(1) * groups : w.size(0)};
  for (int64_t d = 0; d < spatial; ++d) {
    int64_t in = x.size(d + 2), k = dilation[d] * (w.size(d + 2) - 1);
    out.push_back(transposed ? (in - 1) * stride[d] - 2 * padding[d] + k + output_padding[d] + 1
                             : (in + 2 * padding[d] - k - 1) / stride[d] + 1);
  }
  v = {c10::IValue(meta(out, x))};
  return true;
}

// aten::adaptive_avg_pool2d(input, output_size).
bool adaptive_pool(jit::Stack& v) {
  const auto& x = v.at(0).toTensor();
  auto size = v.at(1).toIntVector();
  std::vector<int64_t> out(x.sizes().begin(), x.sizes().end() - size.size());
  out.insert(out.end(), size.begin(), size.end());
  v = {c10::IValue(meta(out, x))};
  return true;
}

// aten::embedding(weight, indices, ...): one row of the weight per index.
bool embedding(jit::Stack& v) {
  const auto& w = v.at(0).toTensor();
  auto out = v.at(1).toTensor().sizes().vec();
  out.push_back(w.size(1));
  v = {c10::IValue(meta(out, w))};
  return true;
}

// aten::_native_multi_head_attention(query, key, value, embed_dim, num_head, qkv_weight,
// qkv_bias, proj_weight, proj_bias, mask, need_weights, average_attn_weights, mask_type):
// (output shaped as query, attention weights [B, L, S] averaged or [B, H, L, S], or none).
bool multi_head_attention(jit::Stack& v) {
  const auto& q = v.at(0).toTensor();
  const auto& k = v.at(1).toTensor();
  if (q.dim() != 3) return false;
  int64_t heads = v.at(4).toInt();
  at::Tensor weights;
  if (v.at(10).toBool())
    weights = v.at(11).toBool() ? meta({q.size(0), q.size(1), k.size(1)}, q)
                                : meta({q.size(0), heads, q.size(1), k.size(1)}, q);
  v = {c10::IValue(meta(q.sizes(), q)), c10::IValue(weights)};
  return true;
}

const std::map<std::string, Rule>& rules() {
  static const std::map<std::string, Rule> table = {
      {"aten::_convolution", [](jit::Stack& v) { return convolution(v, true); }},
      {"aten::convolution", [](jit::Stack& v) { return convolution(v, true); }},
      {"aten::conv1d", [](jit::Stack& v) { return convolution(v, false); }},
      {"aten::conv2d", [](jit::Stack& v) { return convolution(v, false); }},
      {"aten::conv3d", [](jit::Stack& v) { return convolution(v, false); }},
      {"aten::batch_norm", same_as_input},
      {"aten::layer_norm", same_as_input},
      {"aten::relu", same_as_input},
      {"aten::_transformer_encoder_layer_fwd", same_as_input},
      {"aten::adaptive_avg_pool2d", adaptive_pool},
      {"aten::embedding", embedding},
      {"aten::_native_multi_head_attention", multi_head_attention},
  };
  return table;
}

}  // namespace

bool apply_shape_rule(jit::Node* node, jit::Stack& values) {
  auto it = rules().find(node->kind().toQualString());
  return it != rules().end() && it->second(values);
}

}  // namespace mx
