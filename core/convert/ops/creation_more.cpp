// Creation and view ops beyond sizes.cpp: eye, linspace, as_strided, item, tensors made from
// numbers, _shape_as_tensor, _reshape_from_tensor, conj_physical, nonzero_numpy.
#include <set>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"
#include "convert/ops/promote.h"

namespace mx {
namespace {

// eye(n, dtype, layout, device, pin_memory) / eye.m(n, m, ...): ones on the diagonal. EyeLike
// runs on float (ONNX Runtime's EyeLike lacks small ints and bool); 0 and 1 cast exactly.
void emit_eye(EmitContext& cx) {
  bool has_m = cx.entry().overload == "m";
  std::string n = cx.int_input(0), m = has_m ? cx.int_input(1) : n;
  std::string shape = cx.fresh("Concat");
  set_attr(cx.helper("Concat", {n, m}, {shape}), "axis", static_cast<int64_t>(0));
  std::string zeros = cx.fresh("ConstantOfShape");
  cx.helper("ConstantOfShape", {shape}, {zeros});  // float zeros
  std::string eye = cx.apply("EyeLike", {zeros});
  cx.set_output(0, cx.cast(eye, DType::Float, cx.out().dtype));
}

// linspace(start, end, steps, dtype, ...): as ATen computes it, in double for integer
// results and in the result type for floats; the first half counts up from start, the rest
// down from end; steps = 1 gives start.
void emit_linspace(EmitContext& cx) {
  DType t = cx.out().dtype;
  DType w = is_floating(t) ? kernel_type(t) : DType::Double;
  // start and end are first converted to the result type, as ATen's Scalar::to<scalar_t>.
  std::string start = cx.cast(cx.tensor_as(0, t), t, w), end = cx.cast(cx.tensor_as(1, t), t, w);
  std::string steps = cx.int_input(2, true);
  std::string one = cx.const_ints({1}, true);
  std::string idx = cx.apply("Range", {cx.const_ints({0}, true), steps, one}, false);
  std::string halfway = cx.apply("Add", {cx.apply("Div", {steps, cx.const_ints({2}, true)}, false),
                                         cx.cast(cx.apply("Equal", {steps, one}, false), DType::Bool, DType::Int64)},
                                 false);
  std::string denom = cx.cast(cx.apply("Max", {cx.apply("Sub", {steps, one}, false), one}, false), DType::Int64, w);
  std::string step = cx.apply("Div", {cx.apply("Sub", {end, start}, false), denom}, false);
  std::string up = cx.apply("Add", {start, cx.apply("Mul", {step, cx.cast(idx, DType::Int64, w)}, false)}, false);
  std::string back = cx.cast(cx.apply("Sub", {cx.apply("Sub", {steps, one}, false), idx}, false), DType::Int64, w);
  std::string down = cx.apply("Sub", {end, cx.apply("Mul", {step, back}, false)}, false);
  std::string out = cx.apply("Where", {cx.apply("Less", {idx, halfway}, false), up, down});
  cx.set_output(0, cx.cast(out, w, t));
}

// Views that can leave a tensor non-contiguous or offset in its storage, which as_strided
// would then read differently from a contiguous copy.
const std::set<std::string>& strided_views() {
  static const std::set<std::string> ops{
      "aten::transpose", "aten::permute", "aten::t",       "aten::numpy_T",  "aten::expand",   "aten::expand_as",
      "aten::slice",     "aten::select",  "aten::narrow",  "aten::diagonal", "aten::as_strided", "aten::unfold",
      "aten::split",     "aten::chunk",   "aten::unbind",  "aten::movedim",  "aten::swapaxes", "aten::swapdims",
      "aten::split_with_sizes", "aten::tensor_split", "aten::unsafe_split", "aten::unsafe_chunk", "aten::mT",
      "aten::mH",        "aten::adjoint", "aten::real",    "aten::imag",     "prim::ListUnpack"};
  return ops;
}

// The entry that last laid out `id`'s storage, looking through views that keep a
// contiguous tensor contiguous; "" for graph inputs, parameters and constants.
std::string layout_source(const EmitContext& cx, int64_t id) {
  static const std::set<std::string> keep{"aten::view", "aten::reshape", "aten::flatten", "aten::unsqueeze",
                                          "aten::squeeze", "aten::view_as", "aten::reshape_as", "aten::detach",
                                          "aten::alias", "aten::unflatten"};
  for (int steps = 0; steps < 1000; ++steps) {
    const auto& v = cx.trace_value(id);
    if (v.producer < 0) return "";
    const auto& e = cx.trace().entries.at(v.producer);
    if (!keep.count(e.op) || e.inputs.empty()) return e.op;
    id = e.inputs[0];
  }
  return "";
}

// as_strided(self, size, stride, storage_offset=None): the elements at offset + sum(i_k *
// stride_k) of self's contiguous storage, gathered from the flattened tensor.
void emit_as_strided(EmitContext& cx) {
  for (size_t i = 1; i < 4; ++i)
    if (cx.is_shape_dynamic(i)) throw cx.error("sizes, strides or offset computed from a dynamic axis are not supported");
  std::string source = layout_source(cx, cx.entry().inputs[0]);
  if (strided_views().count(source))
    throw cx.error("self comes from " + source + ", a view that is not laid out contiguously in its storage; "
                   "call .contiguous() before as_strided");
  auto size = cx.ints_arg(1), stride = cx.ints_arg(2);
  if (size.size() != stride.size()) throw cx.error("size and stride differ in length");
  int64_t offset = cx.is_none(3) ? 0 : cx.int_arg(3);
  std::string idx = cx.const_ints({offset}, true);
  for (size_t k = 0; k < size.size(); ++k) {
    std::vector<int64_t> along(size.size(), 1), steps;
    along[k] = size[k];
    for (int64_t j = 0; j < size[k]; ++j) steps.push_back(j * stride[k]);
    std::string part = cx.fresh("Reshape");  // allowzero: a size-0 dim stays 0
    set_attr(cx.helper("Reshape", {cx.const_ints(steps), cx.const_ints(along)}, {part}), "allowzero", static_cast<int64_t>(1));
    idx = cx.apply("Add", {idx, part}, false);
  }
  std::string flat = cx.apply("Reshape", {cx.tensor(0), cx.const_ints({-1})}, false);
  std::string out = cx.fresh("Gather");
  set_attr(cx.node("Gather", {flat, idx}, {out}), "axis", static_cast<int64_t>(0));
  cx.set_output(0, out);
}

// item(self): the one element as a number (a 0-d value of the number's type).
void emit_item(EmitContext& cx) {
  const auto& o = cx.out();
  DType to = o.kind == Value::Kind::Double ? DType::Double : o.kind == Value::Kind::Bool ? DType::Bool : DType::Int64;
  std::string x = cx.tensor(0);
  if (cx.rank(0) > 0) x = cx.apply("Reshape", {x, cx.const_ints({})}, false);
  cx.set_output(0, cx.cast(x, cx.arg(0).dtype, to));
}

// _reshape_from_tensor(self, shape): Reshape by a 1-d shape tensor; 0 means size 0, as in PyTorch.
void emit_reshape_from_tensor(EmitContext& cx) {
  std::string out = cx.fresh("Reshape");
  set_attr(cx.node("Reshape", {cx.tensor(0), cx.tensor_as(1, DType::Int64)}, {out}), "allowzero", static_cast<int64_t>(1));
  cx.set_output(0, out);
}

// scalar_tensor(s, dtype, ...), tensor(number, dtype, device, requires_grad), as_tensor(number,
// dtype, device): a 0-d tensor of a number. The tracer folds them when the number is known;
// the graph computes them only for a number read from the inputs' values (aten::item).
void emit_number_tensor(EmitContext& cx) {
  const auto& v = cx.arg(0);
  if (v.kind != Value::Kind::Int && v.kind != Value::Kind::Double && v.kind != Value::Kind::Bool)
    throw cx.error("a tensor made from a list computed in the graph is not supported (only from one number)");
  cx.set_output(0, cx.apply("Identity", {cx.tensor_as(0, cx.out().dtype)}));
}

// _shape_as_tensor(self): the shape as a 1-d int64 tensor.
void emit_shape_as_tensor(EmitContext& cx) { cx.set_output(0, cx.apply("Shape", {cx.tensor(0)})); }

// conj_physical(self): the identity on real tensors (modelexport has no complex types).
void emit_conj_physical(EmitContext& cx) { cx.set_output(0, cx.apply("Identity", {cx.tensor(0)})); }

// nonzero_numpy(self) (nonzero(as_tuple=True)): one 1-d index tensor per dim; a 0-d tensor
// counts as 1-d.
void emit_nonzero_numpy(EmitContext& cx) {
  std::string x = cx.tensor(0);
  size_t rank = std::max<size_t>(cx.rank(0), 1);
  if (cx.rank(0) == 0) x = cx.apply("Reshape", {x, cx.const_ints({1})}, false);
  std::string nz = cx.apply("NonZero", {x});
  std::vector<std::string> rows;
  for (size_t d = 0; d < rank; ++d) {
    std::string row = cx.fresh("Gather");
    set_attr(cx.node("Gather", {nz, cx.const_ints({static_cast<int64_t>(d)}, true)}, {row}), "axis",
             static_cast<int64_t>(0));
    rows.push_back(row);
  }
  cx.set_list_output(0, rows);
}

}  // namespace

MX_OPS({
    {"aten::eye", 9, emit_eye},
    {"aten::linspace", 11, emit_linspace},
    {"aten::as_strided", 13, emit_as_strided},
    {"aten::item", 13, emit_item},
    {"aten::_reshape_from_tensor", 14, emit_reshape_from_tensor},
    {"aten::conj_physical", 1, emit_conj_physical},
    {"aten::nonzero_numpy", 13, emit_nonzero_numpy},
    {"aten::scalar_tensor", 13, emit_number_tensor},
    {"aten::tensor", 13, emit_number_tensor},
    {"aten::as_tensor", 13, emit_number_tensor},
    {"aten::_shape_as_tensor", 13, emit_shape_as_tensor},
})

}  // namespace mx
