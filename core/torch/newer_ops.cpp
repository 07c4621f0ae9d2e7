// torch 2.x operators for LibTorch 1.13 (see newer_ops.h). The kernels follow torch 2.x's
// math reference implementations (_scaled_dot_product_attention_math, rms_norm).
#include "torch/newer_ops.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/library.h>

#include <cmath>
#include <limits>

namespace mx {
namespace {

// scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
// is_causal=False, *, scale=None, enable_gqa=False)
at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k_in, const at::Tensor& v_in,
                const c10::optional<at::Tensor>& mask, double dropout_p, bool is_causal, c10::optional<double> scale,
                bool enable_gqa) {
  TORCH_CHECK(dropout_p == 0.0, "scaled_dot_product_attention: dropout_p must be 0 for export (got ", dropout_p, ")");
  TORCH_CHECK(!(is_causal && mask.has_value() && mask->defined()),
              "scaled_dot_product_attention: an explicit attn_mask cannot be set when is_causal=True");
  at::Tensor k = k_in, v = v_in;
  if (enable_gqa && q.dim() >= 3 && k.size(-3) != q.size(-3)) {
    TORCH_CHECK(q.size(-3) % k.size(-3) == 0, "scaled_dot_product_attention: query heads (", q.size(-3),
                ") are not a multiple of key heads (", k.size(-3), ")");
    k = k.repeat_interleave(q.size(-3) / k.size(-3), -3);
    v = v.repeat_interleave(q.size(-3) / v.size(-3), -3);
  }
  const double s = scale.has_value() ? *scale : 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor attn = at::matmul(q, k.transpose(-2, -1)) * s;
  const double neg_inf = -std::numeric_limits<double>::infinity();
  if (is_causal) {
    at::Tensor keep = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).tril();
    attn = attn.masked_fill(keep.logical_not(), neg_inf);
  }
  if (mask.has_value() && mask->defined()) {
    if (mask->scalar_type() == at::kBool)
      attn = attn.masked_fill(mask->logical_not(), neg_inf);
    else
      attn = attn + *mask;
  }
  return at::matmul(at::softmax(attn, -1), v);
}

// rms_norm(input, normalized_shape, weight=None, eps=None)
at::Tensor rms_norm(const at::Tensor& x, at::IntArrayRef shape, const c10::optional<at::Tensor>& weight,
                    c10::optional<double> eps) {
  const int64_t n = static_cast<int64_t>(shape.size());
  TORCH_CHECK(n >= 1 && n <= x.dim(), "rms_norm: normalized_shape has ", n, " dims, the input ", x.dim());
  for (int64_t i = 0; i < n; ++i)
    TORCH_CHECK(x.size(x.dim() - n + i) == shape[i], "rms_norm: normalized_shape does not match the input's last dims");
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < n; ++i) dims.push_back(x.dim() - n + i);
  const double e = eps.has_value() ? *eps : static_cast<double>(std::numeric_limits<float>::epsilon());
  at::Tensor y = x * at::rsqrt(x.pow(2).mean(dims, true) + e);
  if (weight.has_value() && weight->defined()) y = y * *weight;
  return y;
}

struct NewerOp {
  const char* name;
  const char* schema;
};

constexpr NewerOp kOps[] = {
    {"scaled_dot_product_attention",
     "scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, "
     "float dropout_p=0.0, bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor"},
    {"rms_norm", "rms_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor"},
};

bool has_op(const char* name) {
  return c10::Dispatcher::singleton().findSchema({std::string("aten::") + name, ""}).has_value();
}

}  // namespace

void register_newer_ops() {
  static const bool done = [] {
    // A LibTorch that has an op already keeps its own.
    static auto* lib = new torch::Library(torch::Library::FRAGMENT, "aten", c10::nullopt, __FILE__, __LINE__);
    if (!has_op("scaled_dot_product_attention")) {
      lib->def(kOps[0].schema);
      lib->impl("scaled_dot_product_attention", c10::DispatchKey::CPU, TORCH_FN(sdpa));
    }
    if (!has_op("rms_norm")) {
      lib->def(kOps[1].schema);
      lib->impl("rms_norm", c10::DispatchKey::CPU, TORCH_FN(rms_norm));
    }
    return true;
  }();
  (void)done;
}

std::vector<std::string> newer_op_names() {
  std::vector<std::string> out;
  for (const auto& op : kOps) out.push_back(std::string("aten::") + op.name);
  return out;
}

}  // namespace mx
