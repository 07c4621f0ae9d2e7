// Unique values: _unique2 (torch.unique without dim), _unique, unique_dim, on ONNX's Unique.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

// ONNX Runtime's Unique runs on float, double, int8 and int64: other integers and bool go
// through int64, float16/bfloat16 through float (all exact).
DType unique_kernel(DType t) {
  if (t == DType::Float || t == DType::Double || t == DType::Int64) return t;
  return is_floating(t) ? DType::Float : DType::Int64;
}

// An empty int64 tensor: what ATen returns for the inverse or counts nobody asked for.
std::string empty_int64(EmitContext& cx) {
  return cx.apply("Slice", {cx.const_ints({0}), cx.const_ints({0}), cx.const_ints({0})}, false);
}

struct UniqueArgs {
  bool has_dim = false;
  int64_t dim = 0;
  bool inverse = false, counts = false;
};

// Unique(x) with Y, inverse and counts bound to outputs 0, 1 and (if the op has it) 2.
void emit(EmitContext& cx, const UniqueArgs& a, size_t outputs) {
  DType t = cx.arg(0).dtype, k = unique_kernel(t);
  std::string y = cx.fresh("Unique"), first = cx.fresh("indices"), inv = cx.fresh("inverse"), cnt = cx.fresh("counts");
  auto* n = cx.node("Unique", {cx.tensor_as(0, k)}, {y, first, inv, cnt});
  set_attr(n, "sorted", static_cast<int64_t>(1));
  if (a.has_dim) set_attr(n, "axis", a.dim);
  cx.set_output(0, cx.cast(y, k, t));
  // ONNX's inverse indexes the flattened input; ATen's has the input's shape (without dim).
  std::string inverse = a.has_dim || cx.rank(0) == 1
                            ? inv
                            : cx.apply("Reshape", {inv, cx.apply("Shape", {cx.tensor(0)}, false)}, false);
  cx.set_output(1, a.inverse ? inverse : empty_int64(cx));
  if (outputs > 2) cx.set_output(2, a.counts ? cnt : empty_int64(cx));
}

// ATen's CPU unique without sorting returns the values in hash-table order, which no ONNX
// op reproduces.
void need_sorted(EmitContext& cx, size_t i) {
  if (!cx.bool_arg(i))
    throw cx.error("sorted=False returns the values in the order of ATen's hash table, which ONNX cannot "
                   "reproduce; use sorted=True");
}

// _unique2(self, sorted=True, return_inverse=False, return_counts=False) -> (values, inverse, counts)
void emit_unique2(EmitContext& cx) {
  need_sorted(cx, 1);
  emit(cx, {false, 0, cx.bool_arg(2), cx.bool_arg(3)}, 3);
}

// _unique(self, sorted=True, return_inverse=False) -> (values, inverse)
void emit_unique(EmitContext& cx) {
  need_sorted(cx, 1);
  emit(cx, {false, 0, cx.bool_arg(2), false}, 2);
}

// unique_dim(self, dim, sorted=True, return_inverse=False, return_counts=False): the unique
// slices along dim, always sorted (ATen ignores sorted here).
void emit_unique_dim(EmitContext& cx) {
  if (cx.rank(0) == 0) throw cx.error("a 0-d tensor has no dim to take unique slices along");
  emit(cx, {true, cx.norm_dim(cx.int_arg(1), cx.rank(0)), cx.bool_arg(3), cx.bool_arg(4)}, 3);
}

}  // namespace

MX_OPS({
    {"aten::_unique2", 11, emit_unique2},
    {"aten::_unique", 11, emit_unique},
    {"aten::unique_dim", 11, emit_unique_dim},
})

}  // namespace mx
