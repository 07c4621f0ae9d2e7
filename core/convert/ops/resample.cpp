// Resampling: upsample_nearest*/linear1d/bilinear2d/bicubic2d/trilinear3d (both overloads)
// -> Resize; pixel_shuffle -> DepthToSpace; pixel_unshuffle as a reshape and transpose.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// The scale factors of an upsample op, or empty: .vec(input, output_size?, [align_corners,]
// scale_factors?) or the (self, output_size, [align_corners,] scales_d?...) overload.
std::vector<double> upsample_scales(const EmitContext& cx, bool has_align, size_t spatial) {
  size_t first = has_align ? 2 : 1;
  if (cx.entry().overload == "vec") {
    size_t i = has_align ? 3 : 2;
    if (cx.is_none(i)) return {};
    const auto& v = cx.arg(i);
    return v.kind == Value::Kind::DoubleList ? v.doubles : std::vector<double>(spatial, cx.double_arg(i));
  }
  std::vector<double> scales;
  for (size_t k = 0; k < spatial; ++k) {
    size_t i = first + 1 + k;
    if (cx.is_none(i)) return {};
    scales.push_back(cx.double_arg(i));
  }
  return scales;
}

void upsample(EmitContext& cx, const std::string& mode) {
  bool has_align = mode != "nearest";
  size_t spatial = cx.rank(0) - 2;
  bool align = has_align && cx.bool_arg(2);  // align_corners is argument 2 in both overloads
  auto scales = upsample_scales(cx, has_align, spatial);
  std::vector<std::string> inputs{cx.tensor(0), ""};
  if (!scales.empty()) {
    // PyTorch maps coordinates with the given factors, not the size ratio: Resize's scales.
    std::vector<double> all{1.0, 1.0};
    all.insert(all.end(), scales.begin(), scales.end());
    std::vector<std::string> parts;
    for (double f : all) parts.push_back(cx.apply("Unsqueeze", {cx.const_scalar(f, DType::Float), cx.const_ints({0})}, false));
    std::string list = cx.fresh("Concat");
    set_attr(cx.helper("Concat", parts, {list}), "axis", static_cast<int64_t>(0));
    inputs.push_back(list);
  } else {
    inputs.push_back("");
    inputs.push_back(cx.const_ints(cx.out().shape));
  }
  std::string out = cx.fresh("Resize");
  auto* n = cx.node("Resize", inputs, {out});
  set_attr(n, "mode", mode == "nearest" ? std::string("nearest") : mode);
  if (mode == "nearest") {
    set_attr(n, "coordinate_transformation_mode", std::string("asymmetric"));
    set_attr(n, "nearest_mode", std::string("floor"));
  } else {
    set_attr(n, "coordinate_transformation_mode",
             std::string(align ? "align_corners" : mode == "cubic" ? "half_pixel" : "pytorch_half_pixel"));
    if (mode == "cubic") set_attr(n, "cubic_coeff_a", -0.75f);
  }
  cx.set_output(0, out);
}

void emit_upsample_nearest(EmitContext& cx) { upsample(cx, "nearest"); }
void emit_upsample_linear(EmitContext& cx) { upsample(cx, "linear"); }
void emit_upsample_cubic(EmitContext& cx) { upsample(cx, "cubic"); }

// pixel_shuffle(self, upscale_factor): (N, C*r*r, H, W) -> (N, C, H*r, W*r), DepthToSpace's CRD order.
void emit_pixel_shuffle(EmitContext& cx) {
  if (cx.rank(0) != 4) throw cx.error("only 4-d inputs are supported");
  std::string out = cx.fresh("DepthToSpace");
  auto* n = cx.node("DepthToSpace", {cx.tensor(0)}, {out});
  set_attr(n, "blocksize", cx.int_arg(1));
  set_attr(n, "mode", std::string("CRD"));
  cx.set_output(0, out);
}

// pixel_unshuffle(self, r): (N, C, H*r, W*r) -> (N, C*r*r, H, W), channel c*r*r + i*r + j.
void emit_pixel_unshuffle(EmitContext& cx) {
  if (cx.rank(0) != 4) throw cx.error("only 4-d inputs are supported");
  int64_t r = cx.int_arg(1);
  const auto& s = cx.arg(0).shape;
  std::string split = cx.apply("Reshape", {cx.tensor(0), cx.const_ints({0, s[1], s[2] / r, r, s[3] / r, r})}, false);
  std::string moved = cx.fresh("Transpose");
  set_attr(cx.node("Transpose", {split}, {moved}), "perm", std::vector<int64_t>{0, 1, 3, 5, 2, 4});
  cx.set_output(0, cx.apply("Reshape", {moved, cx.const_ints({0, s[1] * r * r, s[2] / r, s[3] / r})}, false));
}

}  // namespace

MX_OPS({
    {"aten::upsample_nearest1d", 14, emit_upsample_nearest},
    {"aten::upsample_nearest2d", 14, emit_upsample_nearest},
    {"aten::upsample_nearest3d", 14, emit_upsample_nearest},
    {"aten::upsample_linear1d", 14, emit_upsample_linear},
    {"aten::upsample_bilinear2d", 14, emit_upsample_linear},
    {"aten::upsample_trilinear3d", 14, emit_upsample_linear},
    {"aten::upsample_bicubic2d", 14, emit_upsample_cubic},
    {"aten::pixel_shuffle", 14, emit_pixel_shuffle},
    {"aten::pixel_unshuffle", 14, emit_pixel_unshuffle},
})

}  // namespace mx
