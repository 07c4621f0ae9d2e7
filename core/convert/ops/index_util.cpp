// Index tensors of advanced indexing, and one index laid along a dim (see index_util.h).
#include "convert/ops/index_util.h"

#include <algorithm>
#include <set>

namespace mx {
namespace {

// idx + size(self, dim) where idx < 0.
std::string wrapped(EmitContext& cx, const std::string& idx, const std::string& self, int64_t dim) {
  std::string size = cx.apply("Gather", {cx.apply("Shape", {self}, false), cx.const_ints({dim}, true)}, false);
  std::string negative = cx.apply("Less", {idx, cx.const_ints({0}, true)}, false);
  return cx.apply("Where", {negative, cx.apply("Add", {idx, size}, false), idx}, false);
}

}  // namespace

bool Indices::result_in_place() const {
  return !dims.empty() && dims.front() > 0 && dims.back() - dims.front() + 1 == static_cast<int64_t>(dims.size());
}

Indices bind_indices(EmitContext& cx, size_t list_arg, const std::string& self, bool wrap) {
  const auto& list = cx.arg(list_arg);
  Indices ix;
  auto names = cx.tensor_list(list_arg, true);
  int64_t d = 0;
  for (size_t k = 0; k < list.elements.size(); ++k) {
    const auto& v = cx.trace_value(list.elements[k]);
    if (v.kind == Value::Kind::None) {
      ++d;
      continue;
    }
    if (v.dtype == DType::Bool || v.dtype == DType::UInt8) {
      if (v.shape.empty()) throw cx.error("a 0-d boolean index is not supported");
      std::string nz = cx.apply("NonZero", {cx.cast(names[k], v.dtype, DType::Bool)}, false);
      for (size_t m = 0; m < v.shape.size(); ++m) {
        std::string row = cx.fresh("Gather");
        set_attr(cx.helper("Gather", {nz, cx.const_ints({static_cast<int64_t>(m)}, true)}, {row}), "axis",
                 static_cast<int64_t>(0));
        ix.dims.push_back(d++);
        ix.names.push_back(row);
      }
      ix.batch_rank = std::max<size_t>(ix.batch_rank, 1);
      continue;
    }
    std::string idx = cx.cast(names[k], v.dtype, DType::Int64);
    ix.dims.push_back(d);
    ix.names.push_back(wrap ? wrapped(cx, idx, self, d) : idx);
    ix.batch_rank = std::max(ix.batch_rank, v.shape.size());
    ++d;
  }
  if (d > static_cast<int64_t>(std::max<size_t>(cx.rank(0), 1)))
    throw cx.error("too many indices (" + std::to_string(d) + ") for a tensor of " + std::to_string(cx.rank(0)) +
                   " dims");
  return ix;
}

std::string stack_indices(EmitContext& cx, const Indices& ix) {
  // Broadcast the index tensors against each other (Expand chains through every shape).
  std::vector<std::string> parts;
  for (const auto& name : ix.names) {
    std::string b = name;
    for (const auto& other : ix.names) b = cx.apply("Expand", {b, cx.apply("Shape", {other}, false)}, false);
    parts.push_back(cx.apply("Unsqueeze", {b, cx.const_ints({-1})}, false));
  }
  std::string stacked = cx.fresh("Concat");
  set_attr(cx.helper("Concat", parts, {stacked}), "axis", static_cast<int64_t>(-1));
  return stacked;
}

std::vector<int64_t> indexed_first(const Indices& ix, size_t rank) {
  std::vector<int64_t> perm = ix.dims;
  for (size_t d = 0; d < rank; ++d)
    if (std::find(ix.dims.begin(), ix.dims.end(), static_cast<int64_t>(d)) == ix.dims.end())
      perm.push_back(static_cast<int64_t>(d));
  return perm;
}

std::vector<int64_t> inverse_perm(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inv(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) inv[perm[k]] = static_cast<int64_t>(k);
  return inv;
}

std::string transpose(EmitContext& cx, const std::string& x, const std::vector<int64_t>& perm) {
  bool identity = true;
  for (size_t k = 0; k < perm.size(); ++k) identity = identity && perm[k] == static_cast<int64_t>(k);
  if (identity) return x;
  std::string out = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {x}, {out}), "perm", perm);
  return out;
}

std::string index_along(EmitContext& cx, size_t i, int64_t dim, size_t rank, const std::string& shape) {
  if (cx.rank(i) > 1) throw cx.error("index must be 0-d or 1-d, got " + std::to_string(cx.rank(i)) + " dims");
  std::vector<int64_t> laid(std::max<size_t>(rank, 1), 1);
  laid[dim] = -1;
  std::string idx = cx.apply("Reshape", {cx.tensor_as(i, DType::Int64), cx.const_ints(laid)}, false);
  return cx.apply("Expand", {idx, shape}, false);
}

std::string replace_dim(EmitContext& cx, const std::string& shape, int64_t dim, size_t rank, const std::string& size) {
  std::vector<std::string> parts;
  if (dim > 0) parts.push_back(cx.apply("Slice", {shape, cx.const_ints({0}), cx.const_ints({dim})}, false));
  parts.push_back(size);
  if (dim + 1 < static_cast<int64_t>(rank))
    parts.push_back(cx.apply("Slice", {shape, cx.const_ints({dim + 1}), cx.const_ints({static_cast<int64_t>(rank)})}, false));
  if (parts.size() == 1) return size;
  std::string out = cx.fresh("Concat");
  set_attr(cx.helper("Concat", parts, {out}), "axis", static_cast<int64_t>(0));
  return out;
}

void refuse_write_through_view(const EmitContext& cx) {
  // slice, select and narrow are not here: the trace carries a write through them back into
  // the tensor they view (core/torch/interpreter_write_back.cpp).
  static const std::set<std::string> kViews{
      "aten::view",      "aten::reshape", "aten::transpose",
      "aten::permute",   "aten::expand",  "aten::diagonal", "aten::unsqueeze", "aten::squeeze", "aten::t",
      "aten::as_strided", "aten::unfold", "aten::flatten", "aten::view_as",  "aten::reshape_as", "aten::numpy_T",
      "aten::detach",    "aten::alias",   "aten::movedim", "aten::swapaxes", "aten::unflatten", "aten::expand_as"};
  const std::string& op = cx.entry().op;
  if (op.size() < 2 || op.back() != '_' || op[op.size() - 2] == '_') return;  // not in place
  const Trace& trace = cx.trace();
  const auto& self = trace.values[cx.entry().inputs[0]];
  if (self.producer < 0) return;
  const auto& view = trace.entries[self.producer];
  if (!kViews.count(view.op) || view.inputs.empty()) return;
  int64_t base = view.inputs[0];
  size_t here = static_cast<size_t>(&cx.entry() - trace.entries.data());
  bool read_later = std::find(trace.outputs.begin(), trace.outputs.end(), base) != trace.outputs.end();
  for (size_t i = here + 1; i < trace.entries.size() && !read_later; ++i)
    read_later = std::find(trace.entries[i].inputs.begin(), trace.entries[i].inputs.end(), base) !=
                 trace.entries[i].inputs.end();
  if (read_later)
    throw cx.error("writes in place into a view (" + view.op + ") of a tensor that is read again afterwards, which "
                   "a graph of values cannot express (y[:, i] = v writes through aten::slice); write into the tensor "
                   "itself with index tensors only, or build the result with torch.where or torch.cat");
}

}  // namespace mx
