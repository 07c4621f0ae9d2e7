// The argument checks of our torchvision kernels (torchvision_kernels.h), shared by the CPU
// and Meta kernels: a file's code may call these ops with any shapes, sizes and numbers, and
// each bad one is refused with a c10::Error whose message starts with the op's name
// ("roi_align: ..."), never an out-of-bounds read, an overflow or LibTorch's own message.
#pragma once

#include <ATen/ATen.h>

#include <utility>

namespace mx::tv {

// The most bilinear samples one align call computes (torchvision's adaptive grid grows with
// the box: a huge box or sampling_ratio would run for hours).
constexpr double kMaxSamples = 4294967296.0;  // 2^32

// dets [N, 4] and scores [N] of one float dtype.
void check_nms_args(const at::Tensor& dets, const at::Tensor& scores);

// The shapes and numbers of an RoI op's call (valid on meta tensors): input [N, C, H, W] and
// rois [K, 5] of one float dtype, finite spatial_scale, pooled sizes >= 1, an output that fits
// in memory. Position-sensitive ops (ps) need C a multiple of ph * pw. Returns the output's
// channel count.
int64_t check_roi_shapes(const char* op, const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                         int64_t ph, int64_t pw, bool ps);

// The values of rois (CPU): finite, and each batch index (column 0) one of the input's images.
void check_roi_values(const char* op, const at::Tensor& input, const at::Tensor& rois);

// A pooling box's corner (roi value * spatial_scale) that rounds to an exact int64.
void check_pool_corner(const char* op, double scaled);

// deform_conv2d's shapes and numbers (valid on meta tensors): returns (out_h, out_w).
std::pair<int64_t, int64_t> check_deform_args(const at::Tensor& input, const at::Tensor& weight,
                                              const at::Tensor& offset, const at::Tensor& mask,
                                              const at::Tensor& bias, int64_t stride_h, int64_t stride_w,
                                              int64_t pad_h, int64_t pad_w, int64_t dil_h, int64_t dil_w,
                                              int64_t groups, int64_t offset_groups, bool use_mask);

}  // namespace mx::tv
