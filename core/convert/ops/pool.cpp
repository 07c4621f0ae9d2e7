// Max, average and adaptive average pooling -> MaxPool / AveragePool / GlobalAveragePool.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

struct Window {
  std::vector<int64_t> kernel, stride, padding, dilation;
  bool ceil_mode = false;
};

// Checks the window against the traced output shape: ONNX and PyTorch round ceil_mode
// windows differently at the border, and we do not emit what would not match.
void check_window(const EmitContext& cx, Window& w, size_t spatial) {
  const auto& in = cx.arg(0).shape;
  const auto& out = cx.out().shape;
  if (in.size() != spatial + 2) throw cx.error("unbatched input is not supported; add a batch dim");
  w.kernel = cx.per_dim(w.kernel, spatial, "kernel_size");
  w.stride = w.stride.empty() ? w.kernel : cx.per_dim(w.stride, spatial, "stride");
  w.padding = cx.per_dim(w.padding, spatial, "padding");
  w.dilation = cx.per_dim(w.dilation, spatial, "dilation");
  for (size_t d = 0; d < spatial; ++d) {
    int64_t span = in[d + 2] + 2 * w.padding[d] - w.dilation[d] * (w.kernel[d] - 1) - 1;
    int64_t onnx = (w.ceil_mode ? (span + w.stride[d] - 1) / w.stride[d] : span / w.stride[d]) + 1;
    if (onnx != out[d + 2])
      throw cx.error("ONNX would give " + std::to_string(onnx) + " outputs along spatial dim " + std::to_string(d) +
                     " where PyTorch gives " + std::to_string(out[d + 2]) + " (ceil_mode border rule)");
  }
}

void set_window(onnx::NodeProto* n, const Window& w, bool with_dilation) {
  set_attr(n, "kernel_shape", w.kernel);
  set_attr(n, "strides", w.stride);
  std::vector<int64_t> pads = w.padding;
  pads.insert(pads.end(), w.padding.begin(), w.padding.end());
  set_attr(n, "pads", pads);
  if (with_dilation) set_attr(n, "dilations", w.dilation);
  set_attr(n, "ceil_mode", static_cast<int64_t>(w.ceil_mode));
}

// aten::max_pool{1,2,3}d(self, kernel_size, stride, padding, dilation, ceil_mode)
void emit_max_pool(EmitContext& cx) {
  Window w{cx.ints_arg(1), cx.ints_arg(2), cx.ints_arg(3), cx.ints_arg(4), cx.bool_arg(5)};
  check_window(cx, w, cx.arg(0).shape.size() - 2);
  std::string out = cx.fresh("MaxPool");
  set_window(cx.node("MaxPool", {cx.tensor(0)}, {out}), w, true);
  cx.set_output(0, out);
}

// aten::avg_pool{1,2,3}d(self, kernel_size, stride, padding, ceil_mode, count_include_pad[, divisor_override])
void emit_avg_pool(EmitContext& cx) {
  size_t spatial = cx.arg(0).shape.size() - 2;
  Window w{cx.ints_arg(1), cx.ints_arg(2), cx.ints_arg(3), {1}, cx.bool_arg(4)};
  if (!cx.is_none(6)) throw cx.error("divisor_override is not supported");
  check_window(cx, w, spatial);
  std::string out = cx.fresh("AveragePool");
  auto* n = cx.node("AveragePool", {cx.tensor(0)}, {out});
  set_window(n, w, false);
  set_attr(n, "count_include_pad", static_cast<int64_t>(cx.bool_arg(5)));
  cx.set_output(0, out);
}

// aten::adaptive_avg_pool{1,2,3}d(self, output_size): global pooling, or a fixed window
// where every input size is a multiple of the output size.
void emit_adaptive_avg_pool(EmitContext& cx) {
  const auto& in = cx.arg(0).shape;
  size_t spatial = in.size() - 2;
  auto size = cx.per_dim(cx.ints_arg(1), spatial, "output_size");
  bool global = true;
  Window w;
  for (size_t d = 0; d < spatial; ++d) {
    if (size[d] != 1) global = false;
    if (in[d + 2] % size[d] != 0)
      throw cx.error("input size " + std::to_string(in[d + 2]) + " is not a multiple of output size " +
                     std::to_string(size[d]) + " along spatial dim " + std::to_string(d) +
                     "; ONNX has no adaptive pooling");
    w.kernel.push_back(in[d + 2] / size[d]);
  }
  std::string out = cx.fresh(global ? "GlobalAveragePool" : "AveragePool");
  if (global) {
    cx.node("GlobalAveragePool", {cx.tensor(0)}, {out});
  } else {
    w.stride = w.kernel;
    w.padding.assign(spatial, 0);
    set_window(cx.node("AveragePool", {cx.tensor(0)}, {out}), w, false);
  }
  cx.set_output(0, out);
}

}  // namespace

MX_OPS({
    {"aten::max_pool1d", 12, emit_max_pool},
    {"aten::max_pool2d", 12, emit_max_pool},
    {"aten::max_pool3d", 12, emit_max_pool},
    {"aten::avg_pool1d", 11, emit_avg_pool},
    {"aten::avg_pool2d", 11, emit_avg_pool},
    {"aten::avg_pool3d", 11, emit_avg_pool},
    {"aten::adaptive_avg_pool1d", 11, emit_adaptive_avg_pool},
    {"aten::adaptive_avg_pool2d", 11, emit_adaptive_avg_pool},
    {"aten::adaptive_avg_pool3d", 11, emit_adaptive_avg_pool},
})

}  // namespace mx
