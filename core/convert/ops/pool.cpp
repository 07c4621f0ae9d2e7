// Max (with or without indices), average and adaptive pooling -> MaxPool / AveragePool /
// GlobalAveragePool.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

struct Window {
  std::vector<int64_t> kernel, stride, padding, dilation;
  bool ceil_mode = false;
};

bool is_with_indices(const EmitContext& cx) {
  return cx.entry().op.find("_with_indices") != std::string::npos;
}

// Checks the window against the traced output shape: ONNX and PyTorch round ceil_mode
// windows differently at the border, and we do not emit what would not match.
void check_window(const EmitContext& cx, Window& w, size_t spatial) {
  const auto& in = cx.arg(0).shape;
  const auto& out = cx.out().shape;
  if (in.size() != spatial + 2 && !is_with_indices(cx)) throw cx.error("unbatched input is not supported; add a batch dim");
  size_t first = in.size() - spatial;  // spatial dims start after N, C (or C alone, unbatched)
  w.kernel = cx.per_dim(w.kernel, spatial, "kernel_size");
  w.stride = w.stride.empty() ? w.kernel : cx.per_dim(w.stride, spatial, "stride");
  w.padding = cx.per_dim(w.padding, spatial, "padding");
  w.dilation = cx.per_dim(w.dilation, spatial, "dilation");
  for (size_t d = 0; d < spatial; ++d) {
    int64_t span = in[first + d] + 2 * w.padding[d] - w.dilation[d] * (w.kernel[d] - 1) - 1;
    int64_t onnx = (w.ceil_mode ? (span + w.stride[d] - 1) / w.stride[d] : span / w.stride[d]) + 1;
    if (onnx != out[first + d])
      throw cx.error("ONNX would give " + std::to_string(onnx) + " outputs along spatial dim " + std::to_string(d) +
                     " where PyTorch gives " + std::to_string(out[first + d]) + " (ceil_mode border rule)");
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

// ONNX's MaxPool indices count over the whole tensor (n, c, spatial...); PyTorch's count
// within each (n, c) plane. Subtracting the index of each plane's first element fixes that;
// a 1x1 MaxPool yields those indices for any (also dynamic) shape.
std::string plane_indices(EmitContext& cx, const std::string& x, const std::string& indices, size_t spatial) {
  std::string all_values = cx.fresh("MaxPool"), all = cx.fresh("MaxPool");
  auto* n = cx.helper("MaxPool", {x}, {all_values, all});
  set_attr(n, "kernel_shape", std::vector<int64_t>(spatial, 1));
  set_attr(n, "strides", std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> axes;
  for (size_t d = 0; d < spatial; ++d) axes.push_back(static_cast<int64_t>(d + 2));
  std::string first = cx.apply("Slice", {all, cx.const_ints(std::vector<int64_t>(spatial, 0)),
                                         cx.const_ints(std::vector<int64_t>(spatial, 1)), cx.const_ints(axes)}, false);
  return cx.apply("Sub", {indices, first});
}

// The spatial dim count the op's name states ("aten::max_pool2d_with_indices" -> 2).
size_t named_spatial(const EmitContext& cx) {
  const std::string& op = cx.entry().op;
  size_t at = op.find("d_with_indices");
  if (at == std::string::npos) at = op.size() - 1;  // adaptive_max_poolNd
  return static_cast<size_t>(op[at - 1] - '0');
}

// MaxPool with its indices for a window already checked; an unbatched input (no N dim) is
// given one and has it taken off again.
void max_pool_with_indices(EmitContext& cx, const Window& w, size_t spatial) {
  bool unbatched = cx.rank(0) == spatial + 1;
  std::string x = unbatched ? cx.apply("Unsqueeze", {cx.tensor(0), cx.const_ints({0})}, false) : cx.tensor(0);
  std::string values = cx.fresh("MaxPool"), indices = cx.fresh("MaxPool");
  set_window(cx.node("MaxPool", {x}, {values, indices}), w, true);
  std::string plane = plane_indices(cx, x, indices, spatial);
  if (unbatched) {
    values = cx.apply("Squeeze", {values, cx.const_ints({0})}, false);
    plane = cx.apply("Squeeze", {plane, cx.const_ints({0})}, false);
  }
  cx.set_output(0, values);
  cx.set_output(1, plane);
}

// aten::max_pool{1,2,3}d_with_indices(self, kernel_size, stride=[], padding=0, dilation=1, ceil_mode=False)
void emit_max_pool_with_indices(EmitContext& cx) {
  size_t spatial = named_spatial(cx);
  if (cx.rank(0) != spatial + 1 && cx.rank(0) != spatial + 2)
    throw cx.error("expected a " + std::to_string(spatial + 1) + "-d or " + std::to_string(spatial + 2) +
                   "-d input, got " + std::to_string(cx.rank(0)) + "-d");
  Window w{cx.ints_arg(1), cx.ints_arg(2), cx.ints_arg(3), cx.ints_arg(4), cx.bool_arg(5)};
  check_window(cx, w, spatial);
  max_pool_with_indices(cx, w, spatial);
}

// aten::adaptive_max_pool{1,2,3}d(self, output_size) -> (values, indices): a MaxPool whose
// window is input/output where every input size is a multiple of the output size (the
// windows are then equal and do not overlap, as PyTorch's are).
void emit_adaptive_max_pool(EmitContext& cx) {
  size_t spatial = named_spatial(cx);
  const auto& in = cx.arg(0).shape;
  if (in.size() != spatial + 1 && in.size() != spatial + 2)
    throw cx.error("expected a " + std::to_string(spatial + 1) + "-d or " + std::to_string(spatial + 2) +
                   "-d input, got " + std::to_string(in.size()) + "-d");
  size_t first = in.size() - spatial;
  auto size = cx.per_dim(cx.ints_arg(1), spatial, "output_size");
  Window w;
  for (size_t d = 0; d < spatial; ++d) {
    if (!dim_label(cx, 0, first + d).empty())
      throw cx.error("spatial dim " + std::to_string(d) + " is dynamic; adaptive pooling needs its size fixed");
    if (size[d] <= 0 || in[first + d] % size[d] != 0)
      throw cx.error("input size " + std::to_string(in[first + d]) + " is not a multiple of output size " +
                     std::to_string(size[d]) + " along spatial dim " + std::to_string(d) +
                     "; ONNX has no adaptive pooling");
    w.kernel.push_back(in[first + d] / size[d]);
  }
  w.stride = w.kernel;
  w.padding.assign(spatial, 0);
  w.dilation.assign(spatial, 1);
  max_pool_with_indices(cx, w, spatial);
}

}  // namespace

MX_OPS({
    {"aten::max_pool1d_with_indices", 12, emit_max_pool_with_indices},
    {"aten::max_pool2d_with_indices", 12, emit_max_pool_with_indices},
    {"aten::max_pool3d_with_indices", 12, emit_max_pool_with_indices},
    {"aten::adaptive_max_pool1d", 12, emit_adaptive_max_pool},
    {"aten::adaptive_max_pool2d", 12, emit_adaptive_max_pool},
    {"aten::adaptive_max_pool3d", 12, emit_adaptive_max_pool},
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
