// slice_scatter and select_scatter: a tensor with one slice (one index) along a dim replaced;
// copy, the write that replaces a whole (view of a) tensor.
// The trace records them too for an in-place write through slice/select/narrow views
// (core/torch/interpreter_write_back.cpp), so they follow dynamic bounds as aten::slice does.
#include <algorithm>
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// Under --dynamic a size derived from a dynamic axis (x[:, :n // 2]'s) may carry no label,
// so the shapes and positions are computed in the graph there, and are constants otherwise.
bool static_sizes(EmitContext& cx) { return !cx.has_dynamic_axes(); }

// 0, 1, ..., n - 1 for the size n of dim `dim` of argument 0, computed in the graph.
std::string positions(EmitContext& cx, int64_t dim) {
  std::string shape = cx.apply("Shape", {cx.tensor(0)}, false);
  std::string n = cx.apply("Gather", {shape, cx.const_ints({dim}, true)}, false);
  return cx.apply("Range", {cx.const_ints({0}, true), n, cx.const_ints({1}, true)}, false);
}

// ScatterElements(self, index, src) along `dim`: `index` (1-d, the positions written) laid
// along dim and expanded to src's shape; `src` has self's rank.
void scatter_along(EmitContext& cx, int64_t dim, const std::string& index, const std::string& src,
                   const std::vector<int64_t>& src_shape, bool src_static) {
  std::vector<int64_t> laid(cx.rank(0), 1);
  laid[dim] = -1;
  std::string shape = src_static ? cx.const_ints(src_shape) : cx.apply("Shape", {src}, false);
  std::string idx = cx.apply("Expand", {cx.apply("Reshape", {index, cx.const_ints(laid)}, false), shape}, false);
  std::string out = cx.fresh("ScatterElements");
  set_attr(cx.node("ScatterElements", {cx.tensor(0), idx, src}, {out}), "axis", dim);
  cx.set_output(0, out);
}

// self[:start] ++ src ++ self[end:] along dim (static bounds, step 1): no index tensor as
// large as src (MViT writes into attention maps of 10M elements), nothing at all for a whole
// dim (attn[:, :, 1:] slices dims 0 and 1 whole).
void concat_around(EmitContext& cx, int64_t dim, int64_t start, int64_t end, int64_t n, const std::string& src) {
  std::vector<std::string> parts;
  auto piece = [&](int64_t from, int64_t to) {
    parts.push_back(cx.apply("Slice", {cx.tensor(0), cx.const_ints({from}), cx.const_ints({to}), cx.const_ints({dim})}));
  };
  if (start > 0) piece(0, start);
  parts.push_back(src);
  if (end < n) piece(end, n);
  if (parts.size() == 1) return cx.set_output(0, src);
  std::string out = cx.fresh("Concat");
  set_attr(cx.node("Concat", parts, {out}), "axis", dim);
  cx.set_output(0, out);
}

// slice_scatter(self, src, dim=0, start=None, end=None, step=1): the positions of
// self[start:end:step] along dim, clamped as PyTorch clamps them.
void emit_slice_scatter(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(2), cx.rank(0));
  int64_t step = cx.arg_count() > 5 ? cx.int_arg(5) : 1;
  if (step <= 0) throw cx.error("slice step must be positive, got " + std::to_string(step));
  bool bounds_static = (cx.is_none(3) || !cx.is_shape_dynamic(3)) && (cx.is_none(4) || !cx.is_shape_dynamic(4));
  std::string index, src = cx.cast(cx.tensor(1), cx.arg(1).dtype, cx.arg(0).dtype);
  if (bounds_static && static_sizes(cx)) {
    int64_t n = cx.arg(0).shape.at(dim);
    auto clamp = [n](int64_t v) { return std::clamp(v < 0 ? v + n : v, int64_t{0}, n); };
    int64_t start = cx.is_none(3) ? 0 : clamp(cx.int_arg(3));
    int64_t end = cx.is_none(4) ? n : std::max(start, clamp(cx.int_arg(4)));
    if (step == 1) return concat_around(cx, dim, start, end, n, src);
    std::vector<int64_t> picked;
    for (int64_t k = start; k < end; k += step) picked.push_back(k);
    index = cx.const_ints(picked);
  } else {  // ONNX Slice clamps and counts from the end as PyTorch does
    std::string start = cx.is_none(3) ? cx.const_ints({0}) : cx.int_input(3);
    std::string end = cx.is_none(4) ? cx.const_ints({std::numeric_limits<int64_t>::max()}) : cx.int_input(4);
    index = cx.apply("Slice", {positions(cx, dim), start, end, cx.const_ints({0}), cx.const_ints({step})}, false);
  }
  scatter_along(cx, dim, index, src, cx.arg(1).shape, static_sizes(cx));
}

// select_scatter(self, src, dim, index): src (self's rank less one) put at `index` along dim.
void emit_select_scatter(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(2), cx.rank(0));
  std::string index;
  if (!cx.is_shape_dynamic(3) && static_sizes(cx)) {
    int64_t n = cx.arg(0).shape.at(dim), i = cx.int_arg(3);
    if (i < -n || i >= n) throw cx.error("index " + std::to_string(i) + " is out of range for size " + std::to_string(n));
    index = cx.const_ints({i < 0 ? i + n : i});
  } else {  // Gather counts a negative index from the end
    index = cx.apply("Gather", {positions(cx, dim), cx.int_input(3)}, false);
  }
  std::string src = cx.apply("Unsqueeze", {cx.cast(cx.tensor(1), cx.arg(1).dtype, cx.arg(0).dtype), cx.const_ints({dim})},
                             false);
  std::vector<int64_t> shape = cx.arg(1).shape;
  shape.insert(shape.begin() + dim, 1);
  scatter_along(cx, dim, index, src, shape, static_sizes(cx));
}

// copy(self, src, non_blocking=False), recorded as copy_ (y[:, 1:] = v writes so through a
// view): src in self's type, broadcast to self's shape.
void emit_copy(EmitContext& cx) {
  std::string src = cx.cast(cx.tensor(1), cx.arg(1).dtype, cx.arg(0).dtype);
  std::string shape = static_sizes(cx) ? cx.const_ints(cx.arg(0).shape) : cx.apply("Shape", {cx.tensor(0)}, false);
  std::string out = cx.fresh("Expand");
  cx.node("Expand", {src, shape}, {out});
  cx.set_output(0, out);
}

}  // namespace

MX_OPS({
    {"aten::copy", 13, emit_copy},
    {"aten::slice_scatter", 13, emit_slice_scatter},
    {"aten::select_scatter", 13, emit_select_scatter},
})

}  // namespace mx
