// Sliding windows: Tensor.unfold (windows along one dim) and im2col (F.unfold's patches),
// both as Gathers with constant window indices, which need the windowed dims' sizes fixed.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// [count, size] indices: window i starts at i * step, element k of it is k * dilation further.
TensorData window_indices(int64_t count, int64_t size, int64_t step, int64_t dilation) {
  auto buffer = std::make_shared<std::string>();
  for (int64_t i = 0; i < count; ++i)
    for (int64_t k = 0; k < size; ++k) {
      int64_t v = i * step + k * dilation;
      buffer->append(reinterpret_cast<const char*>(&v), sizeof v);
    }
  TensorData t;
  t.dtype = DType::Int64;
  t.shape = {count, size};
  t.data = buffer->data();
  t.nbytes = buffer->size();
  t.owner = buffer;
  return t;
}

std::string gather(EmitContext& cx, const std::string& x, const std::string& indices, int64_t axis, bool primary) {
  std::string out = cx.fresh("Gather");
  auto* n = primary ? cx.node("Gather", {x, indices}, {out}) : cx.helper("Gather", {x, indices}, {out});
  set_attr(n, "axis", axis);
  return out;
}

void require_static(const EmitContext& cx, size_t dim, const char* what) {
  std::string label = dim_label(cx, 0, dim);
  if (!label.empty())
    throw cx.error(std::string(what) + " dim " + std::to_string(dim) + " is dynamic ('" + label +
                   "'); the windows are fixed at export, so its size must be too");
}

// aten::unfold(self, dimension, size, step): windows of `size` every `step` along
// `dimension`, which becomes the window count; the window is a new last dim.
void emit_unfold(EmitContext& cx) {
  size_t rank = cx.rank(0);
  int64_t size = cx.int_arg(2), step = cx.int_arg(3);
  if (step <= 0) throw cx.error("step must be positive, got " + std::to_string(step));
  if (rank == 0) {  // a 0-d tensor is one window of one element
    if (size != 1) throw cx.error("a 0-d tensor has windows of size 1 only");
    cx.set_output(0, cx.apply("Reshape", {cx.tensor(0), cx.const_ints({1})}));
    return;
  }
  int64_t dim = cx.norm_dim(cx.int_arg(1), rank);
  require_static(cx, static_cast<size_t>(dim), "the unfolded");
  int64_t length = cx.arg(0).shape[dim];
  if (size < 0 || size > length)
    throw cx.error("window size " + std::to_string(size) + " does not fit dim " + std::to_string(dim) + " of size " +
                   std::to_string(length));
  int64_t count = (length - size) / step + 1;
  std::string x = gather(cx, cx.tensor(0), cx.initializer("windows", window_indices(count, size, step, 1)), dim, true);
  if (dim + 1 == static_cast<int64_t>(rank)) return cx.set_output(0, x);
  std::vector<int64_t> perm;  // Gather put [count, size] at dim: move size to the end
  for (int64_t d = 0; d <= static_cast<int64_t>(rank); ++d)
    if (d != dim + 1) perm.push_back(d);
  perm.push_back(dim + 1);
  std::string out = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {x}, {out}), "perm", perm);
  cx.set_output(0, out);
}

// aten::im2col(self, kernel_size, dilation, padding, stride): (N, C, H, W) -> (N, C*kh*kw, L),
// L the patch count, channels c*kh*kw + i*kw + j; unbatched (C, H, W) -> (C*kh*kw, L).
void emit_im2col(EmitContext& cx) {
  size_t rank = cx.rank(0);
  if (rank != 3 && rank != 4) throw cx.error("expected a 3-d or 4-d input, got " + std::to_string(rank) + "-d");
  auto kernel = cx.per_dim(cx.ints_arg(1), 2, "kernel_size");
  auto dilation = cx.per_dim(cx.ints_arg(2), 2, "dilation");
  auto padding = cx.per_dim(cx.ints_arg(3), 2, "padding");
  auto stride = cx.per_dim(cx.ints_arg(4), 2, "stride");
  std::string x = cx.tensor(0);
  if (rank == 3) x = cx.apply("Unsqueeze", {x, cx.const_ints({0})}, false);
  size_t first = rank - 2;
  if (padding[0] || padding[1])
    x = cx.apply("Pad", {x, cx.const_ints({0, 0, padding[0], padding[1], 0, 0, padding[0], padding[1]})}, false);
  std::vector<int64_t> counts;
  for (size_t d = 0; d < 2; ++d) {
    require_static(cx, first + d, "spatial");
    int64_t span = cx.arg(0).shape[first + d] + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1;
    if (span < 0) throw cx.error("the kernel does not fit spatial dim " + std::to_string(d));
    counts.push_back(span / stride[d] + 1);
    // Gathering [count, k] along H, then along W (now axis 4): (N, C, oh, kh, ow, kw).
    auto idx = cx.initializer("patches", window_indices(counts[d], kernel[d], stride[d], dilation[d]));
    x = gather(cx, x, idx, d == 0 ? 2 : 4, d == 1);
  }
  std::string moved = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {x}, {moved}), "perm", std::vector<int64_t>{0, 1, 3, 5, 2, 4});
  // -1: the channels (C * kh * kw), which may follow a dynamic axis.
  std::vector<int64_t> shape{0, -1, counts[0] * counts[1]};
  if (rank == 3) {
    shape.erase(shape.begin());
    moved = cx.apply("Squeeze", {moved, cx.const_ints({0})}, false);
  }
  cx.set_output(0, cx.apply("Reshape", {moved, cx.const_ints(shape)}, false));
}

}  // namespace

MX_OPS({
    {"aten::unfold", 13, emit_unfold},
    {"aten::im2col", 13, emit_im2col},
})

}  // namespace mx
