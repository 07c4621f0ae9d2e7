// Matrix products and pointwise combinations: mm, mv, dot, outer, einsum, addcmul, addcdiv,
// lerp, nan_to_num, and the legacy _cast_* ops.
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

// mm/mv/dot(self, other): MatMul of the two (1-d operands give the vector forms).
void emit_matmul(EmitContext& cx) {
  DType t = cx.out().dtype;
  cx.set_output(0, cx.apply("MatMul", {cx.tensor_as(0, t), cx.tensor_as(1, t)}));
}

// outer(self, vec2): self as a column times vec2 as a row.
void emit_outer(EmitContext& cx) {
  DType t = cx.out().dtype;
  std::string col = cx.apply("Unsqueeze", {cx.tensor_as(0, t), cx.const_ints({1})}, false);
  std::string row = cx.apply("Unsqueeze", {cx.tensor_as(1, t), cx.const_ints({0})}, false);
  cx.set_output(0, cx.apply("MatMul", {col, row}));
}

// einsum(equation, tensors, path=None)
void emit_einsum(EmitContext& cx) {
  DType t = cx.out().dtype;
  if (!is_floating(t)) throw cx.error(std::string("on ") + dtype_name(t) + " tensors is not supported");
  std::vector<std::string> inputs;
  const auto& list = cx.arg(1);
  auto names = cx.tensor_list(1);
  for (size_t k = 0; k < names.size(); ++k) inputs.push_back(cx.cast(names[k], cx.trace_value(list.elements[k]).dtype, t));
  std::string out = cx.fresh("Einsum");
  set_attr(cx.node("Einsum", inputs, {out}), "equation", cx.string_arg(0));
  cx.set_output(0, out);
}

// addcmul/addcdiv(self, tensor1, tensor2, value=1) = self + value * (t1 * t2 | t1 / t2)
void addc(EmitContext& cx, const std::string& op) {
  DType t = cx.out().dtype;
  std::string prod = cx.apply(op, {cx.tensor_as(1, t), cx.tensor_as(2, t)});
  if (cx.arg_count() > 3 && !cx.is_none(3) && cx.double_arg(3) != 1.0)
    prod = cx.apply("Mul", {prod, cx.tensor_as(3, t)}, false);
  cx.set_output(0, cx.apply("Add", {cx.tensor_as(0, t), prod}, false));
}

void emit_addcmul(EmitContext& cx) { addc(cx, "Mul"); }
void emit_addcdiv(EmitContext& cx) { addc(cx, "Div"); }

// lerp(self, end, weight) = self + weight * (end - self), weight a number or a tensor.
void emit_lerp(EmitContext& cx) {
  DType t = cx.out().dtype;
  std::string a = cx.tensor_as(0, t);
  std::string diff = cx.apply("Sub", {cx.tensor_as(1, t), a}, false);
  cx.set_output(0, cx.apply("Add", {a, cx.apply("Mul", {diff, cx.tensor_as(2, t)})}, false));
}

// nan_to_num(self, nan=0, posinf=None, neginf=None): None means the type's largest values.
void emit_nan_to_num(EmitContext& cx) {
  DType t = cx.out().dtype;
  std::string x = cx.tensor(0);
  if (!is_floating(t)) return cx.set_output(0, x);
  double big = t == DType::Double ? std::numeric_limits<double>::max()
               : t == DType::Float16 ? 65504.0
                                     : static_cast<double>(std::numeric_limits<float>::max());
  double nan = cx.is_none(1) ? 0.0 : cx.double_arg(1);
  double pos = cx.is_none(2) ? big : cx.double_arg(2), neg = cx.is_none(3) ? -big : cx.double_arg(3);
  DType k = kernel_type(t);
  std::string xk = cx.cast(x, t, k);
  std::string y = cx.apply("Where", {cx.apply("IsNaN", {xk}, false), cx.const_scalar(nan, k), xk});
  std::string posinf = cx.fresh("IsInf"), neginf = cx.fresh("IsInf");
  set_attr(cx.helper("IsInf", {xk}, {posinf}), "detect_negative", static_cast<int64_t>(0));
  set_attr(cx.helper("IsInf", {xk}, {neginf}), "detect_positive", static_cast<int64_t>(0));
  y = cx.apply("Where", {posinf, cx.const_scalar(pos, k), y}, false);
  y = cx.apply("Where", {neginf, cx.const_scalar(neg, k), y}, false);
  cx.set_output(0, cx.cast(y, k, t));
}

// _cast_Float(self, non_blocking) and the other _cast_*: the type the trace saw.
void emit_cast(EmitContext& cx) { cx.set_output(0, cx.cast(cx.tensor(0), cx.arg(0).dtype, cx.out().dtype)); }

}  // namespace

MX_OPS({
    {"aten::mm", 14, emit_matmul},
    {"aten::mv", 14, emit_matmul},
    {"aten::dot", 14, emit_matmul},
    {"aten::outer", 14, emit_outer},
    {"aten::einsum", 14, emit_einsum},
    {"aten::addcmul", 14, emit_addcmul},
    {"aten::addcdiv", 14, emit_addcdiv},
    {"aten::lerp", 14, emit_lerp},
    {"aten::nan_to_num", 14, emit_nan_to_num},
    {"aten::_cast_Byte", 14, emit_cast},
    {"aten::_cast_Char", 14, emit_cast},
    {"aten::_cast_Short", 14, emit_cast},
    {"aten::_cast_Int", 14, emit_cast},
    {"aten::_cast_Long", 14, emit_cast},
    {"aten::_cast_Half", 14, emit_cast},
    {"aten::_cast_Float", 14, emit_cast},
    {"aten::_cast_Double", 14, emit_cast},
})

}  // namespace mx
