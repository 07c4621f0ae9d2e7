// Ops on sizes and the tensors made from them: size, NumToTensor, Int, zeros/ones/full,
// arange. In a static export they are folded away; with dynamic axes (--dynamic) the
// graph computes them (Shape, Gather, ConstantOfShape, Range).
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// size(self, dim) -> a 0-d int64; size(self) -> the 1-d shape.
void emit_size(EmitContext& cx) {
  std::string shape = cx.apply("Shape", {cx.tensor(0)}, cx.arg_count() < 2);
  if (cx.arg_count() < 2) return cx.set_output(0, shape);
  int64_t dim = cx.norm_dim(cx.int_arg(1), cx.rank(0));
  cx.set_output(0, cx.apply("Gather", {shape, cx.const_ints({dim}, true)}));
}

// NumToTensor(number), Int(tensor), Float(tensor), ScalarImplicit(tensor): a number and a
// 0-d tensor are the same ONNX value; only the element type may change.
void emit_number_cast(EmitContext& cx) {
  const auto& in = cx.arg(0);
  const auto& out = cx.out();
  DType from = in.kind == Value::Kind::Tensor ? in.dtype : in.kind == Value::Kind::Double ? DType::Double : DType::Int64;
  DType to = out.kind == Value::Kind::Tensor ? out.dtype : out.kind == Value::Kind::Double ? DType::Double : DType::Int64;
  cx.set_output(0, cx.cast(cx.tensor(0), from, to));
}

void fill(EmitContext& cx, size_t size_arg, double value) {
  cx.set_output(0, constant_of_shape(cx, cx.ints_input(size_arg), value));
}

// zeros/ones(size, dtype, layout, device, pin_memory), full(size, fill_value, ...),
// new_zeros/new_ones(self, size, ...)
void emit_zeros(EmitContext& cx) { fill(cx, 0, 0.0); }
void emit_ones(EmitContext& cx) { fill(cx, 0, 1.0); }
void emit_full(EmitContext& cx) { fill(cx, 0, cx.double_arg(1)); }
void emit_new_zeros(EmitContext& cx) { fill(cx, 1, 0.0); }
// new_full(self, size, fill_value, ...); empty/new_empty leave values unspecified: zeros.
void emit_new_full(EmitContext& cx) { fill(cx, 1, cx.double_arg(2)); }
void emit_new_ones(EmitContext& cx) { fill(cx, 1, 1.0); }

// arange(end, ...), arange.start(start, end, ...), arange.start_step(start, end, step, ...)
void emit_arange(EmitContext& cx) {
  DType t = cx.out().dtype;
  const std::string& o = cx.entry().overload;
  std::string start = o.empty() ? cx.const_scalar(0, t) : cx.tensor_as(0, t);
  std::string end = cx.tensor_as(o.empty() ? 0 : 1, t);
  std::string step = o == "start_step" ? cx.tensor_as(2, t) : cx.const_scalar(1, t);
  cx.set_output(0, cx.apply("Range", {start, end, step}));
}

}  // namespace

std::string constant_of_shape(EmitContext& cx, const std::string& shape, double value) {
  std::string out = cx.fresh("ConstantOfShape");
  auto* a = cx.node("ConstantOfShape", {shape}, {out})->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(static_cast<int32_t>(cx.out().dtype));
  a->mutable_t()->add_dims(1);
  a->mutable_t()->set_raw_data(cx.scalar_bytes(value, cx.out().dtype));
  return out;
}

MX_OPS({
    {"aten::size", 13, emit_size},
    {"prim::NumToTensor", 13, emit_number_cast},
    {"aten::Int", 13, emit_number_cast},
    {"aten::Float", 13, emit_number_cast},
    {"aten::ScalarImplicit", 13, emit_number_cast},
    {"aten::zeros", 9, emit_zeros},
    {"aten::ones", 9, emit_ones},
    {"aten::full", 9, emit_full},
    {"aten::new_zeros", 9, emit_new_zeros},
    {"aten::new_ones", 9, emit_new_ones},
    {"aten::new_full", 9, emit_new_full},
    {"aten::empty", 9, emit_zeros},
    {"aten::new_empty", 9, emit_new_zeros},
    {"aten::arange", 11, emit_arange},
})

}  // namespace mx
