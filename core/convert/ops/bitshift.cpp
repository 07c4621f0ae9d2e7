// Bit shifts of integer tensors: __lshift__, __rshift__ and their in-place dunders
// (__ilshift__, __irshift__), Tensor and Scalar shift amounts.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

// ONNX's UINT64, which the trace's DType has no name for (PyTorch 1.13 has no uint64).
constexpr DType kUInt64 = static_cast<DType>(13);

// The operands in the result type (PyTorch promotes them), after checking it is an integer
// type: ATen 1.13 has no shift kernel for floats or bool.
DType shift_type(EmitContext& cx) {
  DType t = cx.out().dtype;
  if (!is_integral(t)) throw cx.error(std::string("shifts ") + dtype_name(t) + " values; only integer tensors shift");
  return t;
}

// ONNX's BitShift is for unsigned types: x as uint64 (sign-extended, so the low bits are
// two's complement) shifted left by n, cast back, which keeps the low bits as ATen's
// shift of the unsigned value does. Shift amounts outside [0, bits) are undefined in ATen.
void emit_lshift(EmitContext& cx) {
  DType t = shift_type(cx);
  std::string x = cx.cast(cx.tensor_as(0, t), t, kUInt64);
  std::string n = cx.cast(cx.tensor_as(1, t), t, kUInt64);
  std::string out = cx.fresh("BitShift");
  set_attr(cx.node("BitShift", {x, n}, {out}), "direction", std::string("LEFT"));
  cx.set_output(0, cx.cast(out, kUInt64, t));
}

// ATen's >> is arithmetic for signed types: a negative x is shifted as ~x = -x - 1 (which is
// non-negative) and complemented back, so the shift itself is always a logical one.
void emit_rshift(EmitContext& cx) {
  DType t = shift_type(cx);
  std::string x = cx.tensor_as(0, DType::Int64);
  std::string n = cx.cast(cx.tensor_as(1, t), t, kUInt64);
  std::string minus_one = cx.const_scalar(-1, DType::Int64);
  std::string negative = cx.apply("Less", {x, cx.const_scalar(0, DType::Int64)}, false);
  std::string complement = cx.apply("Sub", {minus_one, x}, false);
  std::string magnitude = cx.apply("Where", {negative, complement, x}, false);
  std::string shifted = cx.fresh("BitShift");
  set_attr(cx.node("BitShift", {cx.cast(magnitude, DType::Int64, kUInt64), n}, {shifted}), "direction",
           std::string("RIGHT"));
  std::string s = cx.cast(shifted, kUInt64, DType::Int64);
  std::string out = cx.apply("Where", {negative, cx.apply("Sub", {minus_one, s}, false), s}, false);
  cx.set_output(0, cx.cast(out, DType::Int64, t));
}

}  // namespace

MX_OPS({
    {"aten::__lshift__", 11, emit_lshift},
    {"aten::__ilshift__", 11, emit_lshift},
    {"aten::__rshift__", 11, emit_rshift},
    {"aten::__irshift__", 11, emit_rshift},
})

}  // namespace mx
