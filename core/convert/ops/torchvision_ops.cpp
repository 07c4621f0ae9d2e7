// torchvision's operators (registered for loading by torch/torchvision_ops.cpp) -> ONNX:
// nms -> NonMaxSuppression, roi_align -> RoiAlign, ps_roi_align -> RoiAlign and the
// position-sensitive diagonal, roi_pool -> MaxRoiPool; ps_roi_pool and deform_conv2d are
// refused with the reason (no ONNX operator at opsets 14 to 17 computes them).
#include <cstdint>
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// Binds output `k`, which nothing reads (output_read), to a placeholder that dead-node
// removal drops.
void bind_unread(EmitContext& cx, size_t k) { cx.set_output(k, cx.const_ints({0})); }

// Whether any later entry or a graph output reads output `k` of the op.
bool output_read(const EmitContext& cx, size_t k) {
  const int64_t id = cx.entry().outputs.at(k);
  for (auto out : cx.trace().outputs)
    if (out == id) return true;
  for (const auto& e : cx.trace().entries)
    for (auto in : e.inputs)
      if (in == id) return true;
  return false;
}

// The float32 boxes and scores ONNX Runtime's NonMaxSuppression takes.
void check_float(const EmitContext& cx, size_t arg, const char* what) {
  if (cx.arg(arg).dtype != DType::Float)
    throw cx.error(std::string("only float32 ") + what + " are supported (ONNX Runtime's operator takes float32)");
}

// nms(dets [N, 4] as x1 y1 x2 y2, scores [N], iou_threshold) -> int64 [M], kept boxes by
// decreasing score. NonMaxSuppression takes batches of classes: one batch, one class,
// every box may be kept; column 2 of its [M, 3] answer is the box index, in score order.
void emit_nms(EmitContext& cx) {
  check_float(cx, 0, "boxes");
  check_float(cx, 1, "scores");
  std::string boxes = cx.apply("Unsqueeze", {cx.tensor(0), cx.const_ints({0})}, false);
  std::string scores = cx.apply("Unsqueeze", {cx.tensor(1), cx.const_ints({0, 1})}, false);
  std::string keep_all = cx.const_ints({std::numeric_limits<int64_t>::max()});
  std::string iou = cx.apply("Reshape", {cx.const_scalar(cx.double_arg(2), DType::Float), cx.const_ints({1})}, false);
  std::string selected = cx.fresh("NonMaxSuppression");
  cx.node("NonMaxSuppression", {boxes, scores, keep_all, iou}, {selected});  // center_point_box 0: corners
  std::string index = cx.fresh("Gather");
  set_attr(cx.helper("Gather", {selected, cx.const_ints({2}, true)}, {index}), "axis", static_cast<int64_t>(1));
  cx.set_output(0, index);
}

// RoiAlign's inputs from torchvision's rois [K, 5] (batch index, x1, y1, x2, y2).
std::pair<std::string, std::string> boxes_and_batch(EmitContext& cx) {
  std::string rois = cx.tensor(1);
  std::string boxes = cx.apply("Slice", {rois, cx.const_ints({1}), cx.const_ints({5}), cx.const_ints({1})}, false);
  std::string first = cx.fresh("Gather");
  set_attr(cx.helper("Gather", {rois, cx.const_ints({0}, true)}, {first}), "axis", static_cast<int64_t>(1));
  return {boxes, cx.cast(first, cx.arg(1).dtype, DType::Int64)};
}

// RoiAlign of input (arg 0) over rois (arg 1): spatial_scale arg 2, pooled size args 3-4,
// sampling_ratio arg 5 (<= 0 adaptive in both: ONNX spells it 0).
std::string roi_align_node(EmitContext& cx, const std::string& mode) {
  if (cx.rank(0) != 4) throw cx.error("the input must be [N, C, H, W]");
  auto [boxes, batch] = boxes_and_batch(cx);
  std::string out = cx.fresh("RoiAlign");
  auto* n = cx.node("RoiAlign", {cx.tensor(0), boxes, batch}, {out});
  set_attr(n, "mode", std::string("avg"));
  set_attr(n, "spatial_scale", static_cast<float>(cx.double_arg(2)));
  set_attr(n, "output_height", cx.int_arg(3));
  set_attr(n, "output_width", cx.int_arg(4));
  set_attr(n, "sampling_ratio", std::max<int64_t>(cx.int_arg(5), 0));
  if (cx.opset() >= 16) set_attr(n, "coordinate_transformation_mode", mode);
  return out;
}

// roi_align(input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned):
// aligned shifts by half a pixel and lets boxes be smaller than one (opset 16's half_pixel);
// not aligned is opset 10's only behaviour, output_half_pixel at 16.
void emit_roi_align(EmitContext& cx) {
  const bool aligned = cx.bool_arg(6);
  if (aligned && cx.opset() < 16)
    throw cx.error("aligned=True needs RoiAlign's coordinate_transformation_mode, new in opset 16; export with "
                   "--opset 16 or later");
  cx.set_output(0, roi_align_node(cx, aligned ? "half_pixel" : "output_half_pixel"));
}

// ps_roi_align(input, rois, spatial_scale, ph, pw, sampling_ratio) -> (out, channel_mapping):
// output channel (c, i, j) is bin (i, j) of input channel (c * ph + i) * pw + j, aligned as
// half_pixel. RoiAlign over every channel, then each bin's own channel: the diagonal of
// [K, C/(ph*pw), ph*pw channels, ph*pw bins]. (A box of size 0 gives NaN in torchvision, 0 here.)
void emit_ps_roi_align(EmitContext& cx) {
  if (cx.opset() < 16) throw cx.error("needs RoiAlign's half_pixel mode, new in opset 16; export with --opset 16");
  if (output_read(cx, 1))
    throw cx.error("its channel_mapping output (used by the backward pass) has no ONNX counterpart");
  const int64_t ph = cx.int_arg(3), pw = cx.int_arg(4), bins = ph * pw, channels = cx.arg(0).shape.at(1);
  if (channels % bins != 0) throw cx.error("input channels must be a multiple of pooled_height * pooled_width");
  std::string all = roi_align_node(cx, "half_pixel");
  std::string flat = cx.apply("Reshape", {all, cx.const_ints({0, channels / bins, bins * bins})}, false);
  std::vector<int64_t> diagonal;
  for (int64_t b = 0; b < bins; ++b) diagonal.push_back(b * bins + b);
  std::string picked = cx.fresh("Gather");
  set_attr(cx.node("Gather", {flat, cx.const_ints(diagonal)}, {picked}), "axis", static_cast<int64_t>(2));
  cx.set_output(0, cx.apply("Reshape", {picked, cx.const_ints({0, channels / bins, ph, pw})}, false));
  bind_unread(cx, 1);
}

// roi_pool(input, rois, spatial_scale, pooled_height, pooled_width) -> (out, argmax).
void emit_roi_pool(EmitContext& cx) {
  check_float(cx, 0, "inputs");
  check_float(cx, 1, "rois");
  if (output_read(cx, 1)) throw cx.error("its argmax output (used by the backward pass) has no ONNX counterpart");
  std::string out = cx.fresh("MaxRoiPool");
  auto* n = cx.node("MaxRoiPool", {cx.tensor(0), cx.tensor(1)}, {out});
  set_attr(n, "pooled_shape", std::vector<int64_t>{cx.int_arg(3), cx.int_arg(4)});
  set_attr(n, "spatial_scale", static_cast<float>(cx.double_arg(2)));
  cx.set_output(0, out);
  bind_unread(cx, 1);
}

void emit_ps_roi_pool(EmitContext& cx) {
  throw cx.error("refused on purpose: ONNX has no average RoI pooling (MaxRoiPool takes the maximum), and torchvision's "
                 "position-sensitive bins clamp to H - 1 and W - 1, which RoiAlign cannot mimic; use "
                 "torchvision.ops.ps_roi_align, which converts");
}

void emit_deform_conv2d(EmitContext& cx) {
  throw cx.error("refused on purpose: ONNX's DeformConv is new in opset 19, beyond the opsets supported here (14 to 17), and "
                 "a decomposition into GridSample would sample every tap of every output separately");
}

}  // namespace

MX_OPS({
    {"torchvision::nms", 14, emit_nms},
    {"torchvision::roi_align", 14, emit_roi_align},
    {"torchvision::ps_roi_align", 14, emit_ps_roi_align},
    {"torchvision::roi_pool", 14, emit_roi_pool},
    {"torchvision::ps_roi_pool", 1, emit_ps_roi_pool},
    {"torchvision::deform_conv2d", 1, emit_deform_conv2d},
})

}  // namespace mx
