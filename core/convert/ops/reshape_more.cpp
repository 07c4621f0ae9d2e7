// More shape ops: narrow, unbind, repeat/tile, repeat_interleave, flip, roll, movedim,
// unflatten, view_as/reshape_as, numpy_T, meshgrid, diagonal, broadcast_tensors.
#include <limits>
#include <numeric>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();

std::string slice(EmitContext& cx, const std::string& x, int64_t start, int64_t end, int64_t axis, int64_t step = 1) {
  return cx.apply("Slice", {x, cx.const_ints({start}), cx.const_ints({end}), cx.const_ints({axis}), cx.const_ints({step})},
                  false);
}

std::string concat(EmitContext& cx, const std::vector<std::string>& parts, int64_t axis) {
  std::string out = cx.fresh("Concat");
  set_attr(cx.node("Concat", parts, {out}), "axis", axis);
  return out;
}

// The size of dim d of tensor argument i; throws if it follows a dynamic axis.
int64_t static_size(const EmitContext& cx, size_t i, int64_t d) {
  const auto& labels = cx.dim_labels(i);
  if (labels.size() > static_cast<size_t>(d) && !labels[d].empty())
    throw cx.error("needs the size of dim " + std::to_string(d) + ", which is the dynamic axis '" + labels[d] + "'");
  return cx.arg(i).shape.at(d);
}

// narrow(self, dim, start, length): start may count from the end.
void emit_narrow(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0)), start = cx.int_arg(2), length = cx.int_arg(3);
  if (start < 0) start += static_size(cx, 0, dim);
  std::string out = cx.fresh("Slice");
  cx.node("Slice", {cx.tensor(0), cx.const_ints({start}), cx.const_ints({start + length}), cx.const_ints({dim})}, {out});
  cx.set_output(0, out);
}

// unbind(self, dim=0): the slices along dim, that dim removed.
void emit_unbind(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0));
  size_t n = cx.out().elements.size();
  std::vector<std::string> pieces, outs;
  for (size_t k = 0; k < n; ++k) pieces.push_back(cx.fresh("Split"));
  set_attr(cx.node("Split", {cx.tensor(0), cx.const_ints(std::vector<int64_t>(n, 1))}, pieces), "axis", dim);
  for (const auto& p : pieces) outs.push_back(cx.apply("Squeeze", {p, cx.const_ints({dim})}, false));
  cx.set_list_output(0, outs);
}

// repeat(self, repeats) / tile(self, dims): extra leading repeats add dims; tile's missing
// leading dims repeat once.
void tile(EmitContext& cx, bool is_repeat) {
  auto reps = cx.ints_arg(1);
  size_t rank = cx.rank(0);
  if (is_repeat && reps.size() < rank) throw cx.error("repeat needs at least as many repeats as the tensor has dims");
  while (reps.size() < rank) reps.insert(reps.begin(), 1);
  std::string x = cx.tensor(0);
  if (reps.size() > rank) {
    std::vector<int64_t> axes(reps.size() - rank);
    std::iota(axes.begin(), axes.end(), 0);
    x = cx.apply("Unsqueeze", {x, cx.const_ints(axes)}, false);
  }
  cx.set_output(0, cx.apply("Tile", {x, cx.const_ints(reps)}));
}

void emit_repeat(EmitContext& cx) { tile(cx, true); }
void emit_tile(EmitContext& cx) { tile(cx, false); }

// repeat_interleave(self, repeats: int or Tensor, dim=None, output_size=None): each index
// of dim repeated; a Gather with the repeated indices (repeats must be known).
void emit_repeat_interleave(EmitContext& cx) {
  if (cx.arg_count() < 2 || cx.arg(0).kind != Value::Kind::Tensor || cx.arg(1).kind == Value::Kind::None)
    throw cx.error("the repeats-only overload (repeat_interleave(repeats)) is not supported");
  std::string x = cx.tensor(0);
  int64_t dim = 0;
  if (cx.is_none(2)) {
    x = cx.apply("Reshape", {x, cx.const_ints({-1})}, false);
  } else {
    dim = cx.norm_dim(cx.int_arg(2), cx.rank(0));
  }
  int64_t n = 1;
  if (cx.is_none(2))
    for (size_t d = 0; d < cx.rank(0); ++d) n *= static_size(cx, 0, static_cast<int64_t>(d));
  else
    n = static_size(cx, 0, dim);
  std::vector<int64_t> reps;
  const auto& r = cx.arg(1);
  if (r.kind == Value::Kind::Int) {
    reps.assign(n, r.i);
  } else if (r.is_constant_tensor() && r.data->dtype == DType::Int64) {
    const auto* p = static_cast<const int64_t*>(r.data->data);
    reps.assign(p, p + r.data->numel());
    if (reps.size() == 1) reps.assign(n, reps[0]);
  } else {
    throw cx.error("repeats must be an int or a constant int64 tensor");
  }
  if (static_cast<int64_t>(reps.size()) != n) throw cx.error("repeats has " + std::to_string(reps.size()) + " values for a dim of " + std::to_string(n));
  std::vector<int64_t> index;
  for (int64_t k = 0; k < n; ++k) index.insert(index.end(), reps[k], k);
  std::string out = cx.fresh("Gather");
  set_attr(cx.node("Gather", {x, cx.const_ints(index)}, {out}), "axis", dim);
  cx.set_output(0, out);
}

// flip(self, dims): a reversed slice per dim.
void emit_flip(EmitContext& cx) {
  std::vector<int64_t> axes;
  for (auto d : cx.ints_arg(1)) axes.push_back(cx.norm_dim(d, cx.rank(0)));
  if (axes.empty()) return cx.set_output(0, cx.tensor(0));
  std::vector<int64_t> starts(axes.size(), -1), ends(axes.size(), std::numeric_limits<int64_t>::min()),
      steps(axes.size(), -1);
  std::string out = cx.fresh("Slice");
  cx.node("Slice", {cx.tensor(0), cx.const_ints(starts), cx.const_ints(ends), cx.const_ints(axes), cx.const_ints(steps)},
          {out});
  cx.set_output(0, out);
}

// roll(self, shifts, dims=[]): per (shift, dim) the last `shift` entries come first;
// without dims the flattened tensor rolls.
void emit_roll(EmitContext& cx) {
  auto shifts = cx.ints_arg(1);
  auto dims = cx.arg_count() > 2 ? cx.ints_arg(2) : std::vector<int64_t>{};
  std::string x = cx.tensor(0);
  std::vector<int64_t> sizes;
  bool flat = dims.empty();
  if (flat) {
    if (shifts.size() != 1) throw cx.error("without dims, shifts must be one number");
    int64_t n = 1;
    for (size_t d = 0; d < cx.rank(0); ++d) n *= static_size(cx, 0, static_cast<int64_t>(d));
    x = cx.apply("Reshape", {x, cx.const_ints({-1})}, false);
    dims = {0};
    sizes = {n};
  } else {
    if (shifts.size() != dims.size()) throw cx.error("shifts and dims differ in length");
    for (auto& d : dims) {
      d = cx.norm_dim(d, cx.rank(0));
      sizes.push_back(static_size(cx, 0, d));
    }
  }
  for (size_t k = 0; k < dims.size(); ++k) {
    if (sizes[k] == 0) continue;
    int64_t s = ((shifts[k] % sizes[k]) + sizes[k]) % sizes[k];
    if (s == 0) continue;
    x = concat(cx, {slice(cx, x, sizes[k] - s, kEnd, dims[k]), slice(cx, x, 0, sizes[k] - s, dims[k])}, dims[k]);
  }
  if (flat) x = cx.apply("Reshape", {x, cx.const_ints(cx.arg(0).shape)}, false);
  cx.set_output(0, x);
}

// movedim(self, source, destination): the moved dims land at their destinations, the others
// keep their order.
void emit_movedim(EmitContext& cx) {
  size_t rank = cx.rank(0);
  auto src = cx.ints_arg(1), dst = cx.ints_arg(2);
  if (src.size() != dst.size()) throw cx.error("source and destination differ in length");
  std::vector<int64_t> perm(rank, -1);
  std::vector<bool> moved(rank, false);
  for (size_t k = 0; k < src.size(); ++k) {
    int64_t s = cx.norm_dim(src[k], rank), d = cx.norm_dim(dst[k], rank);
    perm[d] = s;
    moved[s] = true;
  }
  size_t next = 0;
  for (auto& p : perm) {
    if (p >= 0) continue;
    while (moved[next]) ++next;
    p = static_cast<int64_t>(next++);
  }
  std::string out = cx.fresh("Transpose");
  set_attr(cx.node("Transpose", {cx.tensor(0)}, {out}), "perm", perm);
  cx.set_output(0, out);
}

// numpy_T(self) / .T: all dims reversed.
void emit_numpy_t(EmitContext& cx) {
  std::vector<int64_t> perm(cx.rank(0));
  std::iota(perm.rbegin(), perm.rend(), 0);
  std::string out = cx.fresh("Transpose");
  set_attr(cx.node("Transpose", {cx.tensor(0)}, {out}), "perm", perm);
  cx.set_output(0, out);
}

// unflatten(self, dim, sizes): dims before `dim` are copied (0), `sizes` may hold one -1.
void emit_unflatten(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0));
  std::vector<int64_t> shape(dim, 0);
  for (auto s : cx.ints_arg(2)) shape.push_back(s);
  for (size_t d = dim + 1; d < cx.rank(0); ++d) shape.push_back(static_size(cx, 0, static_cast<int64_t>(d)));
  cx.set_output(0, cx.apply("Reshape", {cx.tensor(0), cx.const_ints(shape)}));
}

// view_as/reshape_as(self, other): other's shape, which may follow dynamic axes.
void emit_view_as(EmitContext& cx) {
  cx.set_output(0, cx.apply("Reshape", {cx.tensor(0), cx.apply("Shape", {cx.tensor(1)}, false)}));
}

}  // namespace

MX_OPS({
    {"aten::narrow", 14, emit_narrow},
    {"aten::unbind", 14, emit_unbind},
    {"aten::repeat", 14, emit_repeat},
    {"aten::tile", 14, emit_tile},
    {"aten::repeat_interleave", 14, emit_repeat_interleave},
    {"aten::flip", 14, emit_flip},
    {"aten::roll", 14, emit_roll},
    {"aten::movedim", 14, emit_movedim},
    {"aten::numpy_T", 14, emit_numpy_t},
    {"aten::unflatten", 14, emit_unflatten},
    {"aten::view_as", 14, emit_view_as},
    {"aten::reshape_as", 14, emit_view_as},
})

}  // namespace mx
