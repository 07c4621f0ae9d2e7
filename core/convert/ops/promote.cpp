// PyTorch's type promotion rules (c10/core/ScalarType.h, ATen's ResultTypeState).
#include "convert/ops/promote.h"

namespace mx {
namespace {

int category(DType t) { return t == DType::Bool ? 0 : is_floating(t) ? 2 : 1; }

int float_width(DType t) { return t == DType::Double ? 3 : t == DType::Float ? 2 : 1; }

// Ints by range; uint8 only fits in a signed type of twice its size.
int int_rank(DType t) {
  switch (t) {
    case DType::Int8: return 1;
    case DType::Int16: return 2;
    case DType::Int32: return 3;
    case DType::Int64: return 4;
    default: return 0;  // uint8
  }
}

// combine_categories(higher, lower) of ATen: a lower-priority group wins only by category.
DType combine(DType higher, DType lower) {
  if (higher == DType::Undefined) return lower;
  if (lower == DType::Undefined || is_floating(higher)) return higher;
  if (higher == DType::Bool || is_floating(lower)) return promote_types(higher, lower);
  return higher;
}

}  // namespace

bool is_floating(DType t) {
  return t == DType::Float || t == DType::Double || t == DType::Float16 || t == DType::BFloat16;
}

bool is_integral(DType t) {
  return t == DType::UInt8 || t == DType::Int8 || t == DType::Int16 || t == DType::Int32 || t == DType::Int64;
}

DType promote_types(DType a, DType b) {
  if (a == b || b == DType::Undefined) return a;
  if (a == DType::Undefined) return b;
  if (category(a) != category(b)) return category(a) > category(b) ? a : b;
  if (category(a) == 2) {
    if (float_width(a) == 1 && float_width(b) == 1) return DType::Float;  // float16 with bfloat16
    return float_width(a) >= float_width(b) ? a : b;
  }
  if (a == DType::UInt8 || b == DType::UInt8) {
    DType other = a == DType::UInt8 ? b : a;
    return int_rank(other) <= 1 ? DType::Int16 : other;
  }
  return int_rank(a) >= int_rank(b) ? a : b;
}

DType result_type(const EmitContext& cx, const std::vector<size_t>& args) {
  DType dims = DType::Undefined, zero_dim = DType::Undefined, number = DType::Undefined;
  for (size_t i : args) {
    const auto& v = cx.arg(i);
    switch (v.kind) {
      case Value::Kind::Tensor:
        (v.shape.empty() ? zero_dim : dims) = promote_types(v.shape.empty() ? zero_dim : dims, v.dtype);
        break;
      case Value::Kind::Int: number = promote_types(number, DType::Int64); break;
      case Value::Kind::Double: number = promote_types(number, DType::Float); break;
      case Value::Kind::Bool: number = promote_types(number, DType::Bool); break;
      default: throw cx.error("argument " + std::to_string(i) + " should be a tensor or a number");
    }
  }
  return combine(dims, combine(zero_dim, number));
}

DType kernel_type(DType t) {
  if (t == DType::UInt8 || t == DType::Int8 || t == DType::Int16) return DType::Int32;
  if (t == DType::Float16 || t == DType::BFloat16) return DType::Float;
  return t;
}

}  // namespace mx
