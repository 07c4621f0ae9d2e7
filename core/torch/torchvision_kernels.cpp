// nms and deform_conv2d of torchvision 0.14, written anew from their definition (see
// torchvision_kernels.h); the RoI kernels are in torchvision_roi_kernels.cpp.
#include <ATen/Dispatch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "torch/torchvision_checks.h"
#include "torch/torchvision_kernels.h"

namespace mx::tv {
namespace {

template <typename T>
at::Tensor nms_typed(const at::Tensor& dets, const at::Tensor& scores, double iou_threshold) {
  const int64_t n = dets.size(0);
  at::Tensor boxes = dets.contiguous();
  const T* b = boxes.data_ptr<T>();
  // Stable, so that equal scores keep their order, as torchvision's sort does.
  at::Tensor order_t = std::get<1>(scores.sort(/*stable=*/true, /*dim=*/0, /*descending=*/true)).contiguous();
  const int64_t* order = order_t.data_ptr<int64_t>();
  std::vector<T> area(n);
  for (int64_t i = 0; i < n; ++i) area[i] = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
  std::vector<char> suppressed(n, 0);
  std::vector<int64_t> keep;
  for (int64_t oi = 0; oi < n; ++oi) {
    const int64_t i = order[oi];
    if (suppressed[i]) continue;
    keep.push_back(i);
    for (int64_t oj = oi + 1; oj < n; ++oj) {
      const int64_t j = order[oj];
      if (suppressed[j]) continue;
      T w = std::max<T>(0, std::min(b[4 * i + 2], b[4 * j + 2]) - std::max(b[4 * i], b[4 * j]));
      T h = std::max<T>(0, std::min(b[4 * i + 3], b[4 * j + 3]) - std::max(b[4 * i + 1], b[4 * j + 1]));
      T inter = w * h;
      if (inter / (area[i] + area[j] - inter) > iou_threshold) suppressed[j] = 1;
    }
  }
  at::Tensor out = at::empty({static_cast<int64_t>(keep.size())}, dets.options().dtype(at::kLong));
  std::copy(keep.begin(), keep.end(), out.data_ptr<int64_t>());
  return out;
}

// deform_conv2d's sampling: each of the four neighbours outside the plane counts 0, and a
// point a pixel or more outside is 0.
template <typename T>
T sample_zero_padded(const T* plane, int64_t h, int64_t w, T y, T x) {
  if (!(y > -1 && y < h && x > -1 && x < w)) return 0;
  const auto y0 = static_cast<int64_t>(std::floor(y)), x0 = static_cast<int64_t>(std::floor(x));
  const int64_t y1 = y0 + 1, x1 = x0 + 1;
  T ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx;
  auto at = [&](int64_t yy, int64_t xx) { return yy >= 0 && yy < h && xx >= 0 && xx < w ? plane[yy * w + xx] : T(0); };
  return hy * hx * at(y0, x0) + hy * lx * at(y0, x1) + ly * hx * at(y1, x0) + ly * lx * at(y1, x1);
}

}  // namespace

at::Tensor nms(const at::Tensor& dets, const at::Tensor& scores, double iou_threshold) {
  check_nms_args(dets, scores);
  if (dets.numel() == 0) return at::empty({0}, dets.options().dtype(at::kLong));
  at::Tensor out;
  AT_DISPATCH_FLOATING_TYPES(dets.scalar_type(), "nms", [&] { out = nms_typed<scalar_t>(dets, scores, iou_threshold); });
  return out;
}

at::Tensor deform_conv2d(const at::Tensor& input_in, const at::Tensor& weight, const at::Tensor& offset_in,
                         const at::Tensor& mask_in, const at::Tensor& bias, int64_t stride_h, int64_t stride_w,
                         int64_t pad_h, int64_t pad_w, int64_t dil_h, int64_t dil_w, int64_t groups,
                         int64_t offset_groups, bool use_mask) {
  // not a structured binding: the dispatch lambda captures them
  const auto out_size = check_deform_args(input_in, weight, offset_in, mask_in, bias, stride_h, stride_w, pad_h, pad_w,
                                          dil_h, dil_w, groups, offset_groups, use_mask);
  const int64_t oh = out_size.first, ow = out_size.second;
  at::Tensor input = input_in.contiguous(), offset = offset_in.contiguous();
  at::Tensor mask = use_mask ? mask_in.contiguous() : at::Tensor();
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t c_out = weight.size(0), kh = weight.size(2), kw = weight.size(3);
  // nothing to compute (the grouped matmul's views cannot infer a size from 0 elements)
  if (n == 0 || c_out == 0) return at::zeros({n, c_out, oh, ow}, input.options());
  // columns[n][c][i][j][oy][ox]: the tap (i, j) of output (oy, ox), moved and masked
  at::Tensor columns = at::zeros({n, c * kh * kw, oh * ow}, input.options());
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "deform_conv2d", [&] {
    const scalar_t* in = input.data_ptr<scalar_t>();
    const scalar_t* off = offset.data_ptr<scalar_t>();
    const scalar_t* msk = use_mask ? mask.data_ptr<scalar_t>() : nullptr;
    scalar_t* col = columns.data_ptr<scalar_t>();
    const int64_t per_group = c / offset_groups, plane = oh * ow;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t ch = 0; ch < c; ++ch) {
        const int64_t g = ch / per_group;
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j) {
            const int64_t tap = (g * kh + i) * kw + j;
            const scalar_t* dy = off + ((b * 2 * offset_groups * kh * kw) + 2 * tap) * plane;
            const scalar_t* dx = dy + plane;
            const scalar_t* m = use_mask ? msk + (b * offset_groups * kh * kw + tap) * plane : nullptr;
            for (int64_t p = 0; p < plane; ++p) {
              const int64_t oy = p / ow, ox = p % ow;
              scalar_t y = oy * stride_h - pad_h + i * dil_h + dy[p], x = ox * stride_w - pad_w + j * dil_w + dx[p];
              scalar_t v = sample_zero_padded(in + (b * c + ch) * h * w, h, w, y, x);
              *col++ = m ? v * m[p] : v;
            }
          }
      }
  });
  // grouped matmul: weight [G, Cout/G, Cin/G*kh*kw] x columns [N, G, Cin/G*kh*kw, oh*ow]
  at::Tensor wg = weight.reshape({groups, c_out / groups, -1});
  at::Tensor out = at::matmul(wg, columns.view({n, groups, -1, oh * ow})).reshape({n, c_out, oh, ow});
  if (bias.defined() && bias.numel() > 0) out = out + bias.reshape({1, c_out, 1, 1});
  return out;
}

}  // namespace mx::tv
