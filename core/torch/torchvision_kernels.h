// The CPU kernels behind torchvision_ops.h, one per operator, each computing what torchvision
// 0.14's CPU kernel computes (the same sampling points, rounding and bounds), so that the
// reference forward and the trace see torchvision's numbers.
#pragma once

#include <ATen/ATen.h>

#include <tuple>

namespace mx::tv {

// nms(dets, scores, iou_threshold): indices of the kept boxes, by decreasing score.
at::Tensor nms(const at::Tensor& dets, const at::Tensor& scores, double iou_threshold);

// roi_align: rois [K, 5] (batch index, x1, y1, x2, y2); output [K, C, ph, pw].
at::Tensor roi_align(const at::Tensor& input, const at::Tensor& rois, double spatial_scale, int64_t pooled_height,
                     int64_t pooled_width, int64_t sampling_ratio, bool aligned);

// roi_pool: (max over each bin, argmax as h * W + w, int64).
std::tuple<at::Tensor, at::Tensor> roi_pool(const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                                            int64_t pooled_height, int64_t pooled_width);

// ps_roi_align / ps_roi_pool: position-sensitive, output [K, C / (ph * pw), ph, pw] and the
// input channel each output read (int32).
std::tuple<at::Tensor, at::Tensor> ps_roi_align(const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                                                int64_t pooled_height, int64_t pooled_width, int64_t sampling_ratio);
std::tuple<at::Tensor, at::Tensor> ps_roi_pool(const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                                               int64_t pooled_height, int64_t pooled_width);

// deform_conv2d: a convolution whose taps are moved by `offset` (bilinear) and scaled by
// `mask` when use_mask.
at::Tensor deform_conv2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& offset,
                         const at::Tensor& mask, const at::Tensor& bias, int64_t stride_h, int64_t stride_w,
                         int64_t pad_h, int64_t pad_w, int64_t dilation_h, int64_t dilation_w, int64_t groups,
                         int64_t offset_groups, bool use_mask);

}  // namespace mx::tv
