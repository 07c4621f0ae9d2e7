// aten::embedding_bag (nn.EmbeddingBag): sums, means or maxima of the rows of each bag. A
// [bags, indices] membership mask from the offsets turns the bags into one MatMul (sum,
// mean) or one masked ReduceMax, so bags of any sizes, also empty ones, need no loop.
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/reduce_util.h"

namespace mx {
namespace {

enum Mode : int64_t { kSum = 0, kMean = 1, kMax = 2 };

std::string unsqueeze(EmitContext& cx, const std::string& x, int64_t axis) {
  return cx.apply("Unsqueeze", {x, cx.const_ints({axis})}, false);
}

struct Bags {
  std::string pos;      // [n]: 0, 1, ..., n-1
  std::string offsets;  // as given, int64
  std::string starts;   // [bags]
  std::string mask;     // [bags, n] bool
};

// The mask: index i belongs to bag b (offsets[b] <= i < the next offset) and is not padding_idx.
Bags membership(EmitContext& cx, const std::string& indices, bool include_last, int64_t padding_idx) {
  std::string offsets = cx.tensor_as(2, DType::Int64);
  std::string n = cx.apply("Shape", {indices}, false);  // [n]
  std::string pos = cx.apply("Range", {cx.const_ints({0}, true), cx.apply("Squeeze", {n, cx.const_ints({0})}, false),
                                       cx.const_ints({1}, true)},
                             false);
  auto slice = [&](int64_t from, int64_t to) {
    return cx.apply("Slice", {offsets, cx.const_ints({from}), cx.const_ints({to}), cx.const_ints({0})}, false);
  };
  constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();
  // include_last_offset: offsets has bags+1 entries, the last one ends the last bag.
  std::string starts = include_last ? slice(0, -1) : offsets;
  std::string ends = slice(1, kEnd);
  if (!include_last) {
    ends = cx.fresh("Concat");
    set_attr(cx.helper("Concat", {slice(1, kEnd), n}, {ends}), "axis", static_cast<int64_t>(0));
  }
  std::string row = unsqueeze(cx, pos, 0);
  std::string in = cx.apply("And", {cx.apply("GreaterOrEqual", {row, unsqueeze(cx, starts, 1)}, false),
                                    cx.apply("Less", {row, unsqueeze(cx, ends, 1)}, false)},
                            false);
  if (padding_idx >= 0) {
    std::string kept = cx.apply("Not", {cx.apply("Equal", {indices, cx.const_ints({padding_idx}, true)}, false)}, false);
    in = cx.apply("And", {in, unsqueeze(cx, kept, 0)}, false);
  }
  return {pos, offsets, starts, in};
}

// The outputs that serve the backward pass, as PyTorch's CPU kernel fills them: offset2bag
// (each index's bag: the last offset at or before it; empty in plain sum mode), bag_size
// (kept indices per bag; zeros in sum mode) and max_indices (max mode: the weight row each
// maximum came from, 0 for empty bags; mean mode: bag_size; sum mode: zeros).
void backward_outputs(EmitContext& cx, const Bags& b, int64_t mode, bool padded, const std::string& best_row) {
  if (mode == kSum && !padded) {
    cx.set_output(1, cx.const_ints({}));
  } else {
    std::string after = cx.cast(cx.apply("GreaterOrEqual", {unsqueeze(cx, b.pos, 1), unsqueeze(cx, b.offsets, 0)}, false),
                                DType::Bool, DType::Int64);
    cx.set_output(1, cx.apply("Sub", {reduce(cx, "ReduceSum", after, {1}, false, false), cx.const_ints({1}, true)}, false));
  }
  std::string bag_size = mode == kSum ? cx.apply("Mul", {b.starts, cx.const_ints({0}, true)}, false)  // zeros
                                      : reduce(cx, "ReduceSum", cx.cast(b.mask, DType::Bool, DType::Int64), {1}, false, false);
  cx.set_output(2, bag_size);
  cx.set_output(3, mode == kMax ? best_row : bag_size);
}

// embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
//               include_last_offset[, padding_idx]). With include_last_offset, offsets[-1] must
// be the index count, as PyTorch documents (its mean divides by a count up to the end otherwise).
void emit_embedding_bag(EmitContext& cx) {
  if (cx.rank(0) != 2) throw cx.error("the weight must be 2-d, got " + std::to_string(cx.rank(0)) + "-d");
  if (cx.rank(1) != 1 || cx.rank(2) != 1)
    throw cx.error("indices and offsets must be 1-d (nn.EmbeddingBag flattens 2-d input before this op)");
  int64_t mode = cx.int_arg(4);
  if (mode < kSum || mode > kMax) throw cx.error("unknown mode " + std::to_string(mode) + " (0 sum, 1 mean, 2 max)");
  bool weighted = !cx.is_none(6);
  if (weighted && mode != kSum) throw cx.error("per_sample_weights are only defined for mode 'sum'");
  bool include_last = cx.bool_arg(7);
  int64_t padding_idx = cx.arg_count() > 8 && !cx.is_none(8) ? cx.int_arg(8) : -1;
  DType t = cx.out().dtype;
  std::string indices = cx.tensor_as(1, DType::Int64);
  Bags bags = membership(cx, indices, include_last, padding_idx);
  std::string rows = cx.fresh("Gather");
  set_attr(cx.node("Gather", {cx.tensor(0), indices}, {rows}), "axis", static_cast<int64_t>(0));
  std::string member = cx.cast(bags.mask, DType::Bool, t);
  std::string count = reduce(cx, "ReduceSum", member, {1}, true, false);  // [bags, 1]
  if (mode == kMax) {
    std::string masked = cx.apply("Where", {unsqueeze(cx, bags.mask, 2), unsqueeze(cx, rows, 0),
                                            cx.const_scalar(-std::numeric_limits<double>::infinity(), t)},
                                  false);
    std::string best = reduce(cx, "ReduceMax", masked, {1}, false);
    // An empty bag is zeros, as in PyTorch.
    std::string filled = cx.apply("Greater", {count, cx.const_scalar(0, t)}, false);
    cx.set_output(0, cx.apply("Where", {filled, best, cx.const_scalar(0, t)}));
    std::string at = cx.fresh("ArgMax");  // [bags, dim]: position of each maximum
    auto* n = cx.helper("ArgMax", {masked}, {at});
    set_attr(n, "axis", static_cast<int64_t>(1));
    set_attr(n, "keepdims", static_cast<int64_t>(0));
    std::string row = cx.fresh("Gather");
    set_attr(cx.helper("Gather", {indices, at}, {row}), "axis", static_cast<int64_t>(0));
    return backward_outputs(cx, bags, mode, padding_idx >= 0,
                            cx.apply("Where", {filled, row, cx.const_ints({0}, true)}, false));
  }
  if (weighted) rows = cx.apply("Mul", {rows, unsqueeze(cx, cx.tensor_as(6, t), 1)}, false);
  std::string sum = cx.apply("MatMul", {member, rows});
  if (mode == kSum) {
    cx.set_output(0, sum);
  } else {
    std::string divisor = cx.apply("Max", {count, cx.const_scalar(1, t)}, false);  // empty bags stay zero
    cx.set_output(0, cx.apply("Div", {sum, divisor}));
  }
  backward_outputs(cx, bags, mode, padding_idx >= 0, "");
}

}  // namespace

MX_OPS({
    {"aten::embedding_bag", 13, emit_embedding_bag},
})

}  // namespace mx
