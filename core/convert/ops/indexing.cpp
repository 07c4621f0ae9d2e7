// Picking and joining parts of tensors: select, slice, chunk/split, cat, stack, embedding,
// masked_fill, triu/tril.
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// select(self, dim, index): the slice at `index` along `dim`, that dim removed.
void emit_select(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0));
  std::string out = cx.fresh("Gather");
  auto* n = cx.node("Gather", {cx.tensor(0), cx.const_ints({cx.int_arg(2)}, true)}, {out});
  set_attr(n, "axis", dim);
  cx.set_output(0, out);
}

// slice(self, dim=0, start=None, end=None, step=1)
void emit_slice(EmitContext& cx) {
  if (cx.entry().overload == "t") return emit_list_slice(cx);  // a list's part: s[1:]
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0));
  int64_t step = cx.arg_count() > 4 ? cx.int_arg(4) : 1;
  if (step <= 0) throw cx.error("slice step must be positive, got " + std::to_string(step));
  // start and end may be computed from dynamic axes (x[:, :seq_len]).
  std::string start = cx.is_none(2) ? cx.const_ints({0}) : cx.int_input(2);
  std::string end = cx.is_none(3) ? cx.const_ints({std::numeric_limits<int64_t>::max()}) : cx.int_input(3);
  std::string out = cx.fresh("Slice");
  cx.node("Slice", {cx.tensor(0), start, end, cx.const_ints({dim}), cx.const_ints({step})}, {out});
  cx.set_output(0, out);
}

// chunk(self, chunks, dim) / split(self, split_size, dim) / split_with_sizes(self, sizes, dim):
// the pieces' sizes are those the trace saw.
void emit_split(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.int_arg(2), cx.rank(0));
  std::vector<int64_t> sizes;
  std::vector<std::string> outs;
  for (auto id : cx.out().elements) {
    sizes.push_back(cx.trace_value(id).shape.at(dim));
    outs.push_back(cx.fresh("Split"));
  }
  auto* n = cx.node("Split", {cx.tensor(0), cx.const_ints(sizes)}, outs);
  set_attr(n, "axis", dim);
  cx.set_list_output(0, outs);
}

// cat(tensors, dim): operands cast to the result type (PyTorch promotes).
void emit_cat(EmitContext& cx) {
  const auto& list = cx.arg(0);
  DType t = cx.out().dtype;
  std::vector<std::string> inputs;
  auto names = cx.tensor_list(0);
  for (size_t k = 0; k < names.size(); ++k) {
    const auto& v = cx.trace_value(list.elements[k]);
    if (v.shape.size() == 1 && v.shape[0] == 0 && cx.out().shape.size() != 1) continue;  // legacy empty operand
    inputs.push_back(cx.cast(names[k], v.dtype, t));
  }
  std::string out = cx.fresh("Concat");
  set_attr(cx.node("Concat", inputs, {out}), "axis", cx.norm_dim(cx.int_arg(1), cx.out().shape.size()));
  cx.set_output(0, out);
}

// stack(tensors, dim): each unsqueezed at dim, then concatenated; operands promoted.
void emit_stack(EmitContext& cx) {
  const auto& list = cx.arg(0);
  DType t = cx.out().dtype;
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.out().shape.size());
  auto names = cx.tensor_list(0);
  std::vector<std::string> parts;
  for (size_t k = 0; k < names.size(); ++k)
    parts.push_back(cx.apply("Unsqueeze", {cx.cast(names[k], cx.trace_value(list.elements[k]).dtype, t), cx.const_ints({dim})},
                             false));
  std::string out = cx.fresh("Concat");
  set_attr(cx.node("Concat", parts, {out}), "axis", dim);
  cx.set_output(0, out);
}

// embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse): rows of weight.
void emit_embedding(EmitContext& cx) {
  std::string out = cx.fresh("Gather");
  set_attr(cx.node("Gather", {cx.tensor(0), cx.tensor(1)}, {out}), "axis", static_cast<int64_t>(0));
  cx.set_output(0, out);
}

// masked_fill(self, mask, value): value where mask is true.
void emit_masked_fill(EmitContext& cx) {
  DType t = cx.out().dtype;
  std::string out = cx.fresh("Where");
  cx.node("Where", {cx.tensor_as(1, DType::Bool), cx.tensor_as(2, t), cx.tensor(0)}, {out});
  cx.set_output(0, out);
}

// triu/tril(self, diagonal=0): the upper (lower) triangle of the last two dims from
// `diagonal` on, zeros elsewhere; `diagonal` may follow a dynamic axis. ONNX Runtime has no
// Trilu for 8- and 16-bit integers or bfloat16: those go through a wider type and back,
// which is exact.
void emit_trilu(EmitContext& cx) {
  if (cx.rank(0) < 2) throw cx.error("needs a tensor of at least 2 dims, got " + std::to_string(cx.rank(0)));
  DType t = cx.arg(0).dtype;
  DType via = t == DType::UInt8 || t == DType::Int8 || t == DType::Int16 ? DType::Int32
              : t == DType::BFloat16                                     ? DType::Float
                                                                         : t;
  std::string diagonal = cx.arg_count() > 1 && !cx.is_none(1) ? cx.int_input(1, true) : cx.const_ints({0}, true);
  bool upper = cx.entry().op.rfind("aten::triu", 0) == 0;
  std::string out = cx.fresh("Trilu");
  set_attr(cx.node("Trilu", {cx.cast(cx.tensor(0), t, via), diagonal}, {out}), "upper", static_cast<int64_t>(upper));
  cx.set_output(0, cx.cast(out, via, t));
}

}  // namespace

MX_OPS({
    {"aten::select", 13, emit_select},
    {"aten::slice", 13, emit_slice},
    {"aten::chunk", 13, emit_split},
    {"aten::split", 13, emit_split},
    {"aten::split_with_sizes", 13, emit_split},
    {"aten::unsafe_chunk", 13, emit_split},
    {"aten::unsafe_split", 13, emit_split},
    {"aten::unsafe_split_with_sizes", 13, emit_split},
    {"aten::tensor_split", 13, emit_split},
    {"aten::cat", 13, emit_cat},
    {"aten::stack", 13, emit_stack},
    {"aten::embedding", 13, emit_embedding},
    {"aten::masked_fill", 9, emit_masked_fill},
    {"aten::triu", 14, emit_trilu},
    {"aten::tril", 14, emit_trilu},
})

}  // namespace mx
