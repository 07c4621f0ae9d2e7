// aten::hann_window: only reached when the length follows a dynamic axis (a fixed length is
// folded into a constant by the tracer), so the window is computed in the graph.
#include <cmath>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// hann_window(window_length, [periodic=True,] dtype, layout, device, pin_memory):
// w[n] = 0.5 - 0.5 * cos(2 pi n / D), D = N (periodic) or N - 1; a 1-long window is [1].
// Computed in float32, as PyTorch computes a float window.
void emit_hann_window(EmitContext& cx) {
  bool periodic = cx.entry().overload == "periodic" ? cx.bool_arg(1) : true;
  DType t = cx.out().dtype;
  if (t != DType::Float && t != DType::Float && t != DType::Float16 && t != DType::BFloat16)
    throw cx.error("the window must have a floating-point dtype");
  std::string length = cx.int_input(0, true);
  std::string n = cx.cast(cx.apply("Range", {cx.const_ints({0}, true), length, cx.const_ints({1}, true)}, false),
                          DType::Int64, DType::Float);
  std::string span = cx.cast(length, DType::Int64, DType::Float);
  if (!periodic) span = cx.apply("Sub", {span, cx.const_scalar(1, DType::Float)}, false);
  std::string angle = cx.apply("Div", {cx.apply("Mul", {n, cx.const_scalar(2 * M_PI, DType::Float)}, false), span}, false);
  std::string half = cx.const_scalar(0.5, DType::Float);
  std::string w = cx.apply("Sub", {half, cx.apply("Mul", {half, cx.apply("Cos", {angle})}, false)}, false);
  std::string one = cx.apply("Equal", {length, cx.const_ints({1}, true)}, false);
  w = cx.apply("Where", {one, cx.const_scalar(1, DType::Float), w});
  cx.set_output(0, cx.cast(w, DType::Float, t));
}

}  // namespace

MX_OPS({
    {"aten::hann_window", 11, emit_hann_window},
})

}  // namespace mx
