// aten::grid_sampler (F.grid_sample) -> GridSample (opset 16), which samples 4-d inputs only.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// aten::grid_sampler(input (N, C, H, W), grid (N, Ho, Wo, 2), interpolation_mode,
// padding_mode, align_corners); the modes are PyTorch's enums, in ONNX's order of names.
void emit_grid_sampler(EmitContext& cx) {
  static const char* const kModes[] = {"bilinear", "nearest", "bicubic"};
  static const char* const kPadding[] = {"zeros", "border", "reflection"};
  if (cx.rank(0) != 4)
    throw cx.error("only 4-d inputs (N, C, H, W) are supported: ONNX's GridSample samples 2-d images, got a " +
                   std::to_string(cx.rank(0)) + "-d input");
  int64_t mode = cx.int_arg(2), padding = cx.int_arg(3);
  if (mode < 0 || mode > 2) throw cx.error("unknown interpolation mode " + std::to_string(mode));
  if (padding < 0 || padding > 2) throw cx.error("unknown padding mode " + std::to_string(padding));
  if (cx.arg(0).dtype != DType::Float || cx.arg(1).dtype != DType::Float)
    throw cx.error("only float32 input and grid are supported (ONNX Runtime's GridSample takes float32)");
  std::string out = cx.fresh("GridSample");
  auto* n = cx.node("GridSample", {cx.tensor(0), cx.tensor(1)}, {out});
  set_attr(n, "mode", std::string(kModes[mode]));
  set_attr(n, "padding_mode", std::string(kPadding[padding]));
  set_attr(n, "align_corners", static_cast<int64_t>(cx.bool_arg(4)));
  cx.set_output(0, out);
}

}  // namespace

MX_OPS({
    {"aten::grid_sampler", 16, emit_grid_sampler},
})

}  // namespace mx
