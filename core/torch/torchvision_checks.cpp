// The argument checks of our torchvision kernels (see torchvision_checks.h). Sizes are
// multiplied in double, so a product that would overflow int64 is refused, not wrapped.
#include "torch/torchvision_checks.h"

#include <unistd.h>

#include <cmath>
#include <initializer_list>

namespace mx::tv {
namespace {

double product(std::initializer_list<int64_t> sizes) {
  double p = 1;
  for (int64_t s : sizes) p *= static_cast<double>(s);
  return p;
}

// A tensor of `elements` items of `dtype` must fit in this machine's memory. Empty dims count
// as 1, so that a [0, C, 2^62, 2^62] result (whose strides overflow in LibTorch) is refused too.
void check_fits(const char* op, const char* what, double elements, at::ScalarType dtype) {
  const double memory = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double bytes = elements * static_cast<double>(c10::elementSize(dtype));
  TORCH_CHECK(bytes <= memory, op, ": the ", what, " would need ", bytes, " bytes, more than this machine's ", memory,
              " bytes of memory");
}

int64_t at_least_1(int64_t v) { return v < 1 ? 1 : v; }

void check_float(const char* op, const char* what, const at::Tensor& t, at::ScalarType dtype) {
  TORCH_CHECK(t.scalar_type() == dtype, op, ": ", what, " must have the input's dtype (", dtype, "), got ",
              t.scalar_type());
}

// A stride, padding or dilation of deform_conv2d: within [low, 2^31], so that no size sum overflows.
void check_conv_number(const char* what, int64_t v, int64_t low) {
  TORCH_CHECK(v >= low && v <= (int64_t{1} << 31), "deform_conv2d: ", what, " must be ", low, " to 2^31, got ", v);
}

}  // namespace

void check_nms_args(const at::Tensor& dets, const at::Tensor& scores) {
  TORCH_CHECK(dets.dim() == 2 && dets.size(1) == 4, "nms: boxes must have shape [N, 4]");
  TORCH_CHECK(scores.dim() == 1 && scores.size(0) == dets.size(0), "nms: scores must have shape [N], N = boxes'");
  TORCH_CHECK(dets.scalar_type() == at::kFloat || dets.scalar_type() == at::kDouble,
              "nms: boxes must be float32 or float64, got ", dets.scalar_type());
  TORCH_CHECK(dets.scalar_type() == scores.scalar_type(), "nms: boxes and scores must have the same dtype");
}

int64_t check_roi_shapes(const char* op, const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                         int64_t ph, int64_t pw, bool ps) {
  TORCH_CHECK(input.dim() == 4, op, ": input must be [N, C, H, W], got ", input.dim(), " dims");
  TORCH_CHECK(rois.dim() == 2 && rois.size(1) == 5, op, ": rois must have shape [K, 5]");
  TORCH_CHECK(input.scalar_type() == at::kFloat || input.scalar_type() == at::kDouble, op,
              ": input must be float32 or float64, got ", input.scalar_type());
  TORCH_CHECK(input.scalar_type() == rois.scalar_type(), op, ": input and rois must have the same dtype");
  TORCH_CHECK(std::isfinite(spatial_scale), op, ": spatial_scale must be finite, got ", spatial_scale);
  TORCH_CHECK(ph >= 1 && pw >= 1, op, ": pooled_height and pooled_width must be at least 1, got ", ph, " and ", pw);
  const int64_t c = input.size(1);
  int64_t c_out = c;
  if (ps) {
    // ph * pw may not fit in int64: compared in double before the remainder is taken
    TORCH_CHECK(c == 0 || (product({ph, pw}) <= static_cast<double>(c) && c % (ph * pw) == 0), op,
                ": input channels (", c, ") must be a multiple of pooled_height * pooled_width (", ph, " * ", pw, ")");
    c_out = c == 0 ? 0 : c / (ph * pw);
  }
  check_fits(op, "output", product({at_least_1(rois.size(0)), at_least_1(c_out), ph, pw}), input.scalar_type());
  return c_out;
}

void check_roi_values(const char* op, const at::Tensor& input, const at::Tensor& rois) {
  // The kernels index the input by each roi's column 0 and sample at its corners: a file's
  // code may pass any values, and torchvision reads out of bounds on these.
  if (rois.size(0) == 0) return;
  TORCH_CHECK(at::isfinite(rois).all().item<bool>(), op, ": rois hold a NaN or infinite value");
  at::Tensor batch = rois.select(1, 0);
  TORCH_CHECK(batch.min().item<double>() >= 0 && batch.max().item<double>() < static_cast<double>(input.size(0)), op,
              ": a roi's batch index (column 0) is outside the input's ", input.size(0), " image(s)");
}

void check_pool_corner(const char* op, double scaled) {
  // 2^52: exact in double, and corner differences (+1) stay far inside int64
  TORCH_CHECK(std::abs(scaled) <= 4503599627370496.0, op, ": a roi corner times spatial_scale is ", scaled,
              ", outside what the kernel indexes (2^52)");
}

std::pair<int64_t, int64_t> check_deform_args(const at::Tensor& input, const at::Tensor& weight,
                                              const at::Tensor& offset, const at::Tensor& mask,
                                              const at::Tensor& bias, int64_t stride_h, int64_t stride_w,
                                              int64_t pad_h, int64_t pad_w, int64_t dil_h, int64_t dil_w,
                                              int64_t groups, int64_t offset_groups, bool use_mask) {
  const char* op = "deform_conv2d";
  TORCH_CHECK(input.dim() == 4 && weight.dim() == 4 && offset.dim() == 4 && (!use_mask || mask.dim() == 4), op,
              ": input, weight, offset (and mask, when use_mask) must be 4-d tensors");
  const at::ScalarType dtype = input.scalar_type();
  TORCH_CHECK(dtype == at::kFloat || dtype == at::kDouble, op, ": input must be float32 or float64, got ", dtype);
  check_float(op, "weight", weight, dtype);
  check_float(op, "offset", offset, dtype);
  if (use_mask) check_float(op, "mask", mask, dtype);
  check_conv_number("stride_h", stride_h, 1);
  check_conv_number("stride_w", stride_w, 1);
  check_conv_number("pad_h", pad_h, 0);
  check_conv_number("pad_w", pad_w, 0);
  check_conv_number("dilation_h", dil_h, 1);
  check_conv_number("dilation_w", dil_w, 1);
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t c_out = weight.size(0), kh = weight.size(2), kw = weight.size(3);
  TORCH_CHECK(kh >= 1 && kw >= 1, op, ": the weight's kernel is ", kh, "x", kw);
  TORCH_CHECK(c >= 1, op, ": the input has no channels");
  TORCH_CHECK(groups >= 1 && groups <= c && offset_groups >= 1 && offset_groups <= c && c % groups == 0 &&
                  c % offset_groups == 0 && c_out % groups == 0 && weight.size(1) == c / groups,
              op, ": channels do not divide into the groups (input ", c, ", weight ", weight.sizes(), ", groups ",
              groups, ", offset_groups ", offset_groups, ")");
  // The dilated kernel must fit in the padded input (torchvision's out_h > 0); compared in
  // double, the sizes are then small enough for exact int64 arithmetic.
  const double reach_h = product({dil_h, kh - 1}) + 1, reach_w = product({dil_w, kw - 1}) + 1;
  TORCH_CHECK(reach_h <= static_cast<double>(h + 2 * pad_h) && reach_w <= static_cast<double>(w + 2 * pad_w), op,
              ": the dilated ", kh, "x", kw, " kernel is larger than the padded ", h, "x", w, " input");
  const int64_t oh = (h + 2 * pad_h - (dil_h * (kh - 1) + 1)) / stride_h + 1;
  const int64_t ow = (w + 2 * pad_w - (dil_w * (kw - 1) + 1)) / stride_w + 1;
  const double taps = product({offset_groups, kh, kw});
  TORCH_CHECK(offset.size(0) == n && static_cast<double>(offset.size(1)) == 2 * taps && offset.size(2) == oh &&
                  offset.size(3) == ow,
              op, ": offset must have shape [", n, ", 2 * ", offset_groups, " * ", kh, " * ", kw, ", ", oh, ", ", ow,
              "], got ", offset.sizes());
  TORCH_CHECK(!use_mask || (mask.size(0) == n && static_cast<double>(mask.size(1)) == taps && mask.size(2) == oh &&
                            mask.size(3) == ow),
              op, ": mask must have shape [", n, ", ", offset_groups, " * ", kh, " * ", kw, ", ", oh, ", ", ow,
              "], got ", mask.sizes());
  TORCH_CHECK(!bias.defined() || bias.numel() == 0 ||
                  (bias.scalar_type() == dtype && bias.dim() == 1 && bias.size(0) == c_out),
              op, ": bias must be empty or have shape [", c_out, "] and the input's dtype");
  check_fits(op, "output", product({at_least_1(n), at_least_1(c_out), oh, ow}), dtype);
  check_fits(op, "sampled columns", product({at_least_1(n), c, kh, kw, oh, ow}), dtype);
  return {oh, ow};
}

}  // namespace mx::tv
