// Ordering and encoding: topk, sort, argsort (TopK over the whole dim), one_hot.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

// TopK of x (argument 0) along dim, k entries; (values, indices) names.
std::pair<std::string, std::string> top_k(EmitContext& cx, int64_t dim, const std::string& k, bool largest) {
  DType t = cx.arg(0).dtype, kt = t == DType::Bool ? DType::Int32 : kernel_type(t);
  std::string values = cx.fresh("TopK"), indices = cx.fresh("TopK");
  auto* n = cx.node("TopK", {cx.cast(cx.tensor(0), t, kt), k}, {values, indices});
  set_attr(n, "axis", dim);
  set_attr(n, "largest", static_cast<int64_t>(largest));
  set_attr(n, "sorted", static_cast<int64_t>(1));
  return {cx.cast(values, kt, t), indices};
}

// topk(self, k, dim=-1, largest=True, sorted=True): sorted=False allows any order, and the
// sorted one is such an order.
void emit_topk(EmitContext& cx) {
  int64_t dim = cx.norm_dim(cx.arg_count() > 2 ? cx.int_arg(2) : -1, std::max<size_t>(cx.rank(0), 1));
  bool largest = cx.arg_count() <= 3 || cx.bool_arg(3);
  std::string k = cx.apply("Reshape", {cx.int_input(1), cx.const_ints({1})}, false);
  auto [values, indices] = top_k(cx, dim, k, largest);
  cx.set_output(0, values);
  cx.set_output(1, indices);
}

// The size of `dim` of argument 0 as a 1-d int64 tensor (computed: it may be dynamic).
std::string dim_size(EmitContext& cx, int64_t dim) {
  std::string shape = cx.apply("Shape", {cx.tensor(0)}, false);
  std::string out = cx.fresh("Gather");
  set_attr(cx.helper("Gather", {shape, cx.const_ints({dim})}, {out}), "axis", static_cast<int64_t>(0));
  return out;
}

// sort(self, dim=-1, descending=False) / sort.stable(self, stable, dim=-1, descending=False)
void emit_sort(EmitContext& cx) {
  bool is_stable = cx.entry().overload == "stable";
  size_t a = is_stable ? 2 : 1;
  int64_t dim = cx.norm_dim(cx.arg_count() > a ? cx.int_arg(a) : -1, std::max<size_t>(cx.rank(0), 1));
  bool descending = cx.arg_count() > a + 1 && cx.bool_arg(a + 1);
  auto [values, indices] = top_k(cx, dim, dim_size(cx, dim), descending);
  cx.set_output(0, values);
  cx.set_output(1, indices);
}

// argsort(self, dim=-1, descending=False) / argsort.stable(self, stable, dim, descending)
void emit_argsort(EmitContext& cx) {
  bool is_stable = cx.entry().overload == "stable";
  size_t a = is_stable ? 2 : 1;
  int64_t dim = cx.norm_dim(cx.arg_count() > a ? cx.int_arg(a) : -1, std::max<size_t>(cx.rank(0), 1));
  bool descending = cx.arg_count() > a + 1 && cx.bool_arg(a + 1);
  cx.set_output(0, top_k(cx, dim, dim_size(cx, dim), descending).second);
}

// one_hot(self, num_classes=-1): int64 rows of zeros with a one; -1 takes max + 1.
void emit_one_hot(EmitContext& cx) {
  std::string x = cx.tensor(0);
  int64_t n = cx.arg_count() > 1 ? cx.int_arg(1) : -1;
  std::string depth = n >= 0 ? cx.const_ints({n}) : cx.apply("Add", {cx.apply("ReduceMax", {x}, false), cx.const_ints({1}, true)}, false);
  std::string out = cx.fresh("OneHot");
  auto* node = cx.node("OneHot", {x, depth, cx.const_ints({0, 1})}, {out});
  set_attr(node, "axis", static_cast<int64_t>(-1));
  cx.set_output(0, out);
}

}  // namespace

MX_OPS({
    {"aten::topk", 14, emit_topk},
    {"aten::sort", 14, emit_sort},
    {"aten::argsort", 14, emit_argsort},
    {"aten::one_hot", 14, emit_one_hot},
})

}  // namespace mx
