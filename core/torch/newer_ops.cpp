// torch 2.x operators for LibTorch 1.13 (see newer_ops.h). The CPU kernels follow torch 2.x's
// math reference implementations (_scaled_dot_product_attention_math, rms_norm); the Meta
// kernels make only the output (shape and dtype) for the shape-only trace.
#include "torch/newer_ops.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/library.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mx {
namespace {

// scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
// is_causal=False, *, scale=None, enable_gqa=False)
// The checks both kernels make; true when k and v need their heads repeated (enable_gqa).
bool check_sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const c10::optional<at::Tensor>& mask,
                double dropout_p, bool is_causal, bool enable_gqa) {
  TORCH_CHECK(dropout_p == 0.0, "scaled_dot_product_attention: dropout_p must be 0 for export (got ", dropout_p, ")");
  TORCH_CHECK(!(is_causal && mask.has_value() && mask->defined()),
              "scaled_dot_product_attention: an explicit attn_mask cannot be set when is_causal=True");
  TORCH_CHECK(q.dim() >= 2 && k.dim() >= 2 && v.dim() >= 2,
              "scaled_dot_product_attention: query, key and value need at least 2 dims");
  TORCH_CHECK(q.size(-1) == k.size(-1) && k.size(-2) == v.size(-2),
              "scaled_dot_product_attention: query and key differ in head size, or key and value in length");
  if (!(enable_gqa && q.dim() >= 3 && k.size(-3) != q.size(-3))) return false;
  TORCH_CHECK(q.size(-3) % k.size(-3) == 0, "scaled_dot_product_attention: query heads (", q.size(-3),
              ") are not a multiple of key heads (", k.size(-3), ")");
  return true;
}

at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k_in, const at::Tensor& v_in,
                const c10::optional<at::Tensor>& mask, double dropout_p, bool is_causal, c10::optional<double> scale,
                bool enable_gqa) {
  at::Tensor k = k_in, v = v_in;
  if (check_sdpa(q, k, v, mask, dropout_p, is_causal, enable_gqa)) {
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
// The output of sdpa without computing it: query's sizes with value's head size.
at::Tensor sdpa_meta(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                     const c10::optional<at::Tensor>& mask, double dropout_p, bool is_causal,
                     c10::optional<double> /*scale*/, bool enable_gqa) {
  check_sdpa(q, k, v, mask, dropout_p, is_causal, enable_gqa);
  std::vector<int64_t> sizes = q.sizes().vec();
  sizes.back() = v.size(-1);
  return at::empty(sizes, q.options());
}

void check_rms_norm(const at::Tensor& x, at::IntArrayRef shape) {
  const int64_t n = static_cast<int64_t>(shape.size());
  TORCH_CHECK(n >= 1 && n <= x.dim(), "rms_norm: normalized_shape has ", n, " dims, the input ", x.dim());
  for (int64_t i = 0; i < n; ++i)
    TORCH_CHECK(x.size(x.dim() - n + i) == shape[i], "rms_norm: normalized_shape does not match the input's last dims");
}

at::Tensor rms_norm(const at::Tensor& x, at::IntArrayRef shape, const c10::optional<at::Tensor>& weight,
                    c10::optional<double> eps) {
  check_rms_norm(x, shape);
  const int64_t n = static_cast<int64_t>(shape.size());
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < n; ++i) dims.push_back(x.dim() - n + i);
  const double e = eps.has_value() ? *eps : static_cast<double>(std::numeric_limits<float>::epsilon());
  at::Tensor y = x * at::rsqrt(x.pow(2).mean(dims, true) + e);
  if (weight.has_value() && weight->defined()) y = y * *weight;
  return y;
}

// x's sizes; the dtype x * weight promotes to, as the CPU kernel's.
at::Tensor rms_norm_meta(const at::Tensor& x, at::IntArrayRef shape, const c10::optional<at::Tensor>& weight,
                         c10::optional<double> /*eps*/) {
  check_rms_norm(x, shape);
  const bool w = weight.has_value() && weight->defined();
  return at::empty(x.sizes(), x.options().dtype(w ? at::result_type(x, *weight) : x.scalar_type()));
}

// squeeze.dims(self, int[] dim) (torch 2.0): each listed dim of size 1 squeezed, others
// kept; a view, on any device, so it serves as the Meta kernel too.
at::Tensor squeeze_dims(const at::Tensor& x, at::IntArrayRef dims) {
  std::vector<int64_t> sorted;
  for (int64_t d : dims) sorted.push_back(c10::maybe_wrap_dim(d, std::max<int64_t>(x.dim(), 1)));
  std::sort(sorted.rbegin(), sorted.rend());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  at::Tensor y = x;
  for (int64_t d : sorted)
    if (x.dim() > 0 && x.size(d) == 1) y = y.squeeze(d);
  return y;
}

struct NewerOp {
  const char* name;  // "aten::NAME" with the overload, if any, after a dot
  const char* schema;
};

constexpr NewerOp kOps[] = {
    {"scaled_dot_product_attention",
     "scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, "
     "float dropout_p=0.0, bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor"},
    {"rms_norm", "rms_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor"},
    {"squeeze.dims", "squeeze.dims(Tensor(a) self, int[] dim) -> Tensor(a)"},
};

bool has_op(const std::string& name) {
  const auto dot = name.find('.');
  return c10::Dispatcher::singleton()
      .findSchema({"aten::" + name.substr(0, dot), dot == std::string::npos ? "" : name.substr(dot + 1)})
      .has_value();
}

// Defines op i (unless LibTorch has it: then it keeps its own) with its CPU and Meta kernels.
// AutogradMeta has no fallback in LibTorch 1.13 (AutogradCPU has), so meta tensors fall
// through it to the Meta kernel.
template <typename Cpu, typename Meta>
void add(torch::Library& lib, size_t i, Cpu cpu, Meta meta) {
  if (has_op(kOps[i].name)) return;
  lib.def(kOps[i].schema);
  lib.impl(kOps[i].name, c10::DispatchKey::CPU, std::move(cpu));
  lib.impl(kOps[i].name, c10::DispatchKey::Meta, std::move(meta));
  lib.impl(kOps[i].name, c10::DispatchKey::AutogradMeta, torch::CppFunction::makeFallthrough());
}

}  // namespace

void register_newer_ops() {
  static const bool done = [] {
    static auto* lib = new torch::Library(torch::Library::FRAGMENT, "aten", c10::nullopt, __FILE__, __LINE__);
    add(*lib, 0, TORCH_FN(sdpa), TORCH_FN(sdpa_meta));
    add(*lib, 1, TORCH_FN(rms_norm), TORCH_FN(rms_norm_meta));
    add(*lib, 2, TORCH_FN(squeeze_dims), TORCH_FN(squeeze_dims));
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
