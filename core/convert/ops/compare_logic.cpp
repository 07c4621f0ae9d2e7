// Comparisons (eq ne lt le gt ge), where, logical and bitwise ops on bools, bitwise_not,
// isnan/isinf/isfinite: every Tensor and Scalar overload, operands promoted as PyTorch does.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

// Operands 0 and 1 in their common type, as ONNX Runtime's comparison kernels take it.
std::pair<std::string, std::string> common_operands(EmitContext& cx) {
  DType t = result_type(cx, {0, 1});
  DType k = t == DType::Bool ? DType::Int32 : kernel_type(t);
  return {cx.cast(cx.tensor_as(0, t), t, k), cx.cast(cx.tensor_as(1, t), t, k)};
}

// The op's boolean result, cast if the trace says otherwise (an out= variant into ints).
void set_bool_output(EmitContext& cx, const std::string& b) { cx.set_output(0, cx.cast(b, DType::Bool, cx.out().dtype)); }

void compare(EmitContext& cx, const std::string& op, bool negate = false) {
  auto [a, b] = common_operands(cx);
  std::string out = cx.apply(op, {a, b});
  set_bool_output(cx, negate ? cx.apply("Not", {out}) : out);
}

void emit_eq(EmitContext& cx) { compare(cx, "Equal"); }
void emit_ne(EmitContext& cx) { compare(cx, "Equal", true); }
void emit_lt(EmitContext& cx) { compare(cx, "Less"); }
void emit_le(EmitContext& cx) { compare(cx, "LessOrEqual"); }
void emit_gt(EmitContext& cx) { compare(cx, "Greater"); }
void emit_ge(EmitContext& cx) { compare(cx, "GreaterOrEqual"); }

// where(condition, self, other) with tensor or Scalar branches; where(condition) is
// nonzero(condition, as_tuple=True): one index tensor per dim.
void emit_where(EmitContext& cx) {
  if (cx.arg_count() == 1) {
    std::string nz = cx.apply("NonZero", {cx.tensor(0)});
    std::vector<std::string> outs;
    for (size_t d = 0; d < cx.rank(0); ++d) {
      std::string row = cx.fresh("Gather");
      set_attr(cx.helper("Gather", {nz, cx.const_ints({static_cast<int64_t>(d)}, true)}, {row}), "axis",
               static_cast<int64_t>(0));
      outs.push_back(row);
    }
    return cx.set_list_output(0, outs);
  }
  DType t = cx.out().dtype;
  cx.set_output(0, cx.apply("Where", {cx.tensor_as(0, DType::Bool), cx.tensor_as(1, t), cx.tensor_as(2, t)}));
}

// logical_and/or/xor(self, other): non-zero is true; the result is bool.
void logical(EmitContext& cx, const std::string& op) {
  set_bool_output(cx, cx.apply(op, {cx.tensor_as(0, DType::Bool), cx.tensor_as(1, DType::Bool)}));
}

void emit_logical_and(EmitContext& cx) { logical(cx, "And"); }
void emit_logical_or(EmitContext& cx) { logical(cx, "Or"); }
void emit_logical_xor(EmitContext& cx) { logical(cx, "Xor"); }
void emit_logical_not(EmitContext& cx) { set_bool_output(cx, cx.apply("Not", {cx.tensor_as(0, DType::Bool)})); }

// bitwise_and/or/xor and the __and__/__or__/__xor__ operators: on bools they are the logical
// ops; ONNX's integer BitwiseAnd/Or/Xor need opset 18, beyond what we target.
void bitwise(EmitContext& cx, const std::string& op) {
  if (cx.out().dtype != DType::Bool)
    throw cx.error(std::string("on ") + dtype_name(cx.out().dtype) +
                   " tensors needs ONNX's Bitwise ops (opset 18); only bool operands are converted");
  logical(cx, op);
}

void emit_bitwise_and(EmitContext& cx) { bitwise(cx, "And"); }
void emit_bitwise_or(EmitContext& cx) { bitwise(cx, "Or"); }
void emit_bitwise_xor(EmitContext& cx) { bitwise(cx, "Xor"); }

// bitwise_not(self): Not on bools; on integers ~x = -1 - x (two's complement), 255 - x on uint8.
void emit_bitwise_not(EmitContext& cx) {
  DType t = cx.arg(0).dtype;
  if (t == DType::Bool) return cx.set_output(0, cx.apply("Not", {cx.tensor(0)}));
  if (!is_integral(t)) throw cx.error(std::string("is not defined on ") + dtype_name(t) + " tensors");
  DType k = kernel_type(t);
  double top = t == DType::UInt8 ? 255.0 : -1.0;
  std::string r = cx.apply("Sub", {cx.const_scalar(top, k), cx.cast(cx.tensor(0), t, k)}, false);
  cx.set_output(0, cx.cast(r, k, t));
}

// isnan/isinf/isfinite(self): integers and bools are never NaN or infinite.
void classify(EmitContext& cx, const std::string& what) {
  DType t = cx.arg(0).dtype;
  if (!is_floating(t)) {
    std::string shape = cx.apply("Shape", {cx.tensor(0)}, false);
    double fill = what == "isfinite" ? 1.0 : 0.0;
    return cx.set_output(0, constant_of_shape(cx, shape, fill));
  }
  // IsInf has float and double kernels only; float16 widens exactly.
  std::string x = cx.cast(cx.tensor(0), t, t == DType::Double ? t : DType::Float);
  if (what == "isnan") return cx.set_output(0, cx.apply("IsNaN", {x}));
  if (what == "isinf") return cx.set_output(0, cx.apply("IsInf", {x}));
  std::string bad = cx.apply("Or", {cx.apply("IsNaN", {x}, false), cx.apply("IsInf", {x}, false)}, false);
  cx.set_output(0, cx.apply("Not", {bad}));
}

void emit_isnan(EmitContext& cx) { classify(cx, "isnan"); }
void emit_isinf(EmitContext& cx) { classify(cx, "isinf"); }
void emit_isfinite(EmitContext& cx) { classify(cx, "isfinite"); }

}  // namespace

MX_OPS({
    {"aten::eq", 14, emit_eq},
    {"aten::ne", 14, emit_ne},
    {"aten::lt", 14, emit_lt},
    {"aten::le", 14, emit_le},
    {"aten::gt", 14, emit_gt},
    {"aten::ge", 14, emit_ge},
    {"aten::where", 14, emit_where},
    {"aten::logical_and", 14, emit_logical_and},
    {"aten::logical_or", 14, emit_logical_or},
    {"aten::logical_xor", 14, emit_logical_xor},
    {"aten::logical_not", 14, emit_logical_not},
    {"aten::bitwise_and", 14, emit_bitwise_and},
    {"aten::__and__", 14, emit_bitwise_and},
    {"aten::bitwise_or", 14, emit_bitwise_or},
    {"aten::__or__", 14, emit_bitwise_or},
    {"aten::bitwise_xor", 14, emit_bitwise_xor},
    {"aten::__xor__", 14, emit_bitwise_xor},
    {"aten::bitwise_not", 14, emit_bitwise_not},
    {"aten::isnan", 14, emit_isnan},
    {"aten::isinf", 14, emit_isinf},
    {"aten::isfinite", 14, emit_isfinite},
})

}  // namespace mx
