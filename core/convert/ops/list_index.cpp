// Items of a list read in the graph: with dynamic axes (--dynamic), a scripted forward's
// `s = x.size(); s[2]`, `x.shape[-1]`, `s[1:]` and `len(s)` read a list of sizes that the graph
// computes (Shape), so the item is a Gather from it, the part a Slice, and the length a Size,
// and each follows the dynamic axis. In a static export the tracer folds them (interpreted.cpp).
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

bool holds_numbers(const Value& v) {
  return v.kind == Value::Kind::IntList || v.kind == Value::Kind::DoubleList || v.kind == Value::Kind::BoolList;
}

// The number of items list argument 0 had in the trace.
int64_t list_length(EmitContext& cx) {
  const auto& v = cx.arg(0);
  if (!v.elements.empty()) return static_cast<int64_t>(v.elements.size());
  if (v.kind == Value::Kind::IntList) return static_cast<int64_t>(v.ints.size());
  throw cx.error("reads a list whose items the export does not know");
}

// __getitem__(list, index): an item of a list of sizes, or a tensor of a list of tensors.
void emit_list_item(EmitContext& cx) {
  int64_t n = list_length(cx), k = cx.int_arg(1);
  if (k < -n || k >= n) throw cx.error("index " + std::to_string(k) + " is out of range for a list of " + std::to_string(n));
  if (k < 0) k += n;
  if (!holds_numbers(cx.arg(0))) return cx.set_output(0, cx.tensor_list(0).at(k));
  if (cx.arg(0).kind != Value::Kind::IntList) throw cx.error("reads an item of a list of floats or bools computed from a dynamic size, which the export does not follow");
  cx.set_output(0, cx.apply("Gather", {cx.ints_input(0), cx.const_ints({k}, true)}));
}

// len(list): of a list of sizes, its Size (a list of numbers is a 1-d tensor in the graph);
// of a list of tensors, the count the trace saw (it ran the same ops at both sizes).
void emit_list_length(EmitContext& cx) {
  if (cx.arg(0).kind == Value::Kind::IntList) return cx.set_output(0, cx.apply("Size", {cx.ints_input(0)}));
  cx.set_output(0, cx.const_ints({list_length(cx)}, true));
}

}  // namespace

// slice.t(list, start=None, end=None, step=1): a part of a list of sizes.
void emit_list_slice(EmitContext& cx) {
  if (cx.arg(0).kind != Value::Kind::IntList) throw cx.error("slices a list that is not one of sizes, which the export does not follow");
  int64_t step = cx.arg_count() > 3 ? cx.int_arg(3) : 1;
  if (step == 0) throw cx.error("slice step must not be zero");
  int64_t big = std::numeric_limits<int64_t>::max();
  std::string start = cx.is_none(1) ? cx.const_ints({step > 0 ? 0 : -1}) : cx.int_input(1);
  std::string end = cx.is_none(2) ? cx.const_ints({step > 0 ? big : -big}) : cx.int_input(2);
  cx.set_output(0, cx.apply("Slice", {cx.ints_input(0), start, end, cx.const_ints({0}), cx.const_ints({step})}));
}

MX_OPS({
    {"aten::__getitem__", 13, emit_list_item},
    {"aten::len", 13, emit_list_length},
})

}  // namespace mx
