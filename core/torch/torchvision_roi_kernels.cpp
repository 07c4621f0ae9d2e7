// RoI kernels of torchvision 0.14, written anew from their definition (see
// torchvision_kernels.h): roi_align, roi_pool, ps_roi_align, ps_roi_pool on CPU tensors.
// Loops over plain arrays in the kernels' own order of sums, so results agree with
// torchvision's to the last bits that float reordering allows.
#include <ATen/Dispatch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "torch/torchvision_kernels.h"

namespace mx::tv {
namespace {

// Bilinear value of `plane` (h x w) at (y, x); 0 more than one pixel outside, clamped to the
// edge inside that margin. NaN coordinates fail the range test and give 0, as torchvision's.
template <typename T>
T bilinear(const T* plane, int64_t h, int64_t w, T y, T x) {
  if (!(y >= -1.0 && y <= h && x >= -1.0 && x <= w)) return 0;
  y = std::max<T>(y, 0);
  x = std::max<T>(x, 0);
  int64_t y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x), y1 = y0 + 1, x1 = x0 + 1;
  if (y0 >= h - 1) y = static_cast<T>(y0 = y1 = h - 1);
  if (x0 >= w - 1) x = static_cast<T>(x0 = x1 = w - 1);
  T ly = y - y0, lx = x - x0, hy = 1. - ly, hx = 1. - lx;
  return hy * hx * plane[y0 * w + x0] + hy * lx * plane[y0 * w + x1] + ly * hx * plane[y1 * w + x0] +
         ly * lx * plane[y1 * w + x1];
}

// One RoI's box in feature-map coordinates, with the bin sizes and sampling grid both
// align kernels use.
template <typename T>
struct AlignBox {
  T y0, x0, bin_h, bin_w;
  int64_t grid_h, grid_w;
  AlignBox(const T* roi, T scale, T offset, bool force_one, int64_t ph, int64_t pw, int64_t sampling_ratio) {
    x0 = roi[1] * scale - offset;
    y0 = roi[2] * scale - offset;
    T width = roi[3] * scale - offset - x0, height = roi[4] * scale - offset - y0;
    if (force_one) {  // malformed boxes count as 1x1
      width = std::max<T>(width, 1);
      height = std::max<T>(height, 1);
    }
    bin_h = height / static_cast<T>(ph);
    bin_w = width / static_cast<T>(pw);
    // sampling_ratio <= 0: adaptive, ceil(box size / bins) points per bin side
    grid_h = sampling_ratio > 0 ? sampling_ratio : static_cast<int64_t>(std::ceil(height / ph));
    grid_w = sampling_ratio > 0 ? sampling_ratio : static_cast<int64_t>(std::ceil(width / pw));
  }
  // The sum of the samples of bin (i, j) of `plane`.
  T bin_sum(const T* plane, int64_t h, int64_t w, int64_t i, int64_t j) const {
    T sum = 0;
    for (int64_t iy = 0; iy < grid_h; ++iy) {
      T y = y0 + i * bin_h + static_cast<T>(iy + .5f) * bin_h / static_cast<T>(grid_h);
      for (int64_t ix = 0; ix < grid_w; ++ix)
        sum += bilinear(plane, h, w, y, x0 + j * bin_w + static_cast<T>(ix + .5f) * bin_w / static_cast<T>(grid_w));
    }
    return sum;
  }
};

// The integer box of the pooling kernels: corners rounded half away from zero.
struct PoolBox {
  int64_t y0, x0, height, width;
  template <typename T>
  PoolBox(const T* roi, T scale, int64_t extra) {
    x0 = static_cast<int64_t>(std::round(roi[1] * scale));
    y0 = static_cast<int64_t>(std::round(roi[2] * scale));
    width = std::max<int64_t>(static_cast<int64_t>(std::round(roi[3] * scale)) - x0 + extra, 1);
    height = std::max<int64_t>(static_cast<int64_t>(std::round(roi[4] * scale)) - y0 + extra, 1);
  }
};

// Bin [start, end) of `count` bins over `size` cells starting at `origin`, clamped to [0, limit].
template <typename T>
std::pair<int64_t, int64_t> pool_bin(int64_t index, int64_t count, int64_t size, int64_t origin, int64_t limit) {
  T bin = static_cast<T>(size) / static_cast<T>(count);
  auto start = static_cast<int64_t>(std::floor(static_cast<T>(index) * bin)) + origin;
  auto end = static_cast<int64_t>(std::ceil(static_cast<T>(index + 1) * bin)) + origin;
  return {std::min(std::max<int64_t>(start, 0), limit), std::min(std::max<int64_t>(end, 0), limit)};
}

void check_rois(const char* op, const at::Tensor& input, const at::Tensor& rois) {
  TORCH_CHECK(input.dim() == 4, op, ": input must be [N, C, H, W], got ", input.dim(), " dims");
  TORCH_CHECK(rois.dim() == 2 && rois.size(1) == 5, op, ": rois must have shape [K, 5]");
  TORCH_CHECK(input.scalar_type() == rois.scalar_type(), op, ": input and rois must have the same dtype");
  // The kernels index the input by each roi's column 0 and sample at its corners: a file's
  // code may pass any values, and torchvision reads out of bounds on these.
  if (rois.size(0) == 0) return;
  TORCH_CHECK(at::isfinite(rois).all().item<bool>(), op, ": rois hold a NaN or infinite value");
  at::Tensor batch = rois.select(1, 0);
  TORCH_CHECK(batch.min().item<double>() >= 0 && batch.max().item<double>() < static_cast<double>(input.size(0)), op,
              ": a roi's batch index (column 0) is outside the input's ", input.size(0), " image(s)");
}

// The checked, contiguous arguments and zeroed outputs of a position-sensitive op: output
// [K, C / (ph * pw), ph, pw] and the int32 input channel each output element read.
struct PsCall {
  at::Tensor input, rois, out, map;
  int64_t c_out;
  PsCall(const char* op, const at::Tensor& input_in, const at::Tensor& rois_in, int64_t ph, int64_t pw) {
    check_rois(op, input_in, rois_in);
    input = input_in.contiguous();
    rois = rois_in.contiguous();
    TORCH_CHECK(input.size(1) % (ph * pw) == 0, op, ": input channels must be a multiple of pooled_height * pooled_width");
    c_out = input.size(1) / (ph * pw);
    out = at::zeros({rois.size(0), c_out, ph, pw}, input.options());
    map = at::zeros({rois.size(0), c_out, ph, pw}, input.options().dtype(at::kInt));
  }
};

}  // namespace

at::Tensor roi_align(const at::Tensor& input_in, const at::Tensor& rois_in, double spatial_scale, int64_t ph,
                     int64_t pw, int64_t sampling_ratio, bool aligned) {
  check_rois("roi_align", input_in, rois_in);
  at::Tensor input = input_in.contiguous(), rois = rois_in.contiguous();
  const int64_t k = rois.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  at::Tensor out = at::zeros({k, c, ph, pw}, input.options());
  if (out.numel() == 0) return out;
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "roi_align", [&] {
    const scalar_t* in = input.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    for (int64_t n = 0; n < k; ++n) {
      const scalar_t* roi = rois.data_ptr<scalar_t>() + n * 5;
      AlignBox<scalar_t> box(roi, static_cast<scalar_t>(spatial_scale), aligned ? 0.5 : 0.0, !aligned, ph, pw,
                             sampling_ratio);
      const scalar_t count = static_cast<scalar_t>(std::max<int64_t>(box.grid_h * box.grid_w, 1));
      const auto b = static_cast<int64_t>(roi[0]);
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t i = 0; i < ph; ++i)
          for (int64_t j = 0; j < pw; ++j)
            *o++ = box.bin_sum(in + (b * c + ch) * h * w, h, w, i, j) / count;
    }
  });
  return out;
}

std::tuple<at::Tensor, at::Tensor> ps_roi_align(const at::Tensor& input_in, const at::Tensor& rois_in,
                                                double spatial_scale, int64_t ph, int64_t pw, int64_t sampling_ratio) {
  PsCall call("ps_roi_align", input_in, rois_in, ph, pw);
  const at::Tensor &input = call.input, &rois = call.rois;
  at::Tensor &out = call.out, &map = call.map;
  const int64_t k = rois.size(0), c = input.size(1), h = input.size(2), w = input.size(3), c_out = call.c_out;
  if (out.numel() == 0) return {out, map};
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "ps_roi_align", [&] {
    const scalar_t* in = input.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    int32_t* m = map.data_ptr<int32_t>();
    for (int64_t n = 0; n < k; ++n) {
      const scalar_t* roi = rois.data_ptr<scalar_t>() + n * 5;
      AlignBox<scalar_t> box(roi, static_cast<scalar_t>(spatial_scale), 0.5, false, ph, pw, sampling_ratio);
      // no floor of 1 here: an empty box divides 0 by 0 (NaN), as torchvision's does
      const auto count = static_cast<scalar_t>(box.grid_h * box.grid_w);
      const auto b = static_cast<int64_t>(roi[0]);
      int64_t ch = 0;  // output (c, i, j) reads input channel (c * ph + i) * pw + j
      for (int64_t co = 0; co < c_out; ++co)
        for (int64_t i = 0; i < ph; ++i)
          for (int64_t j = 0; j < pw; ++j, ++ch) {
            *o++ = box.bin_sum(in + (b * c + ch) * h * w, h, w, i, j) / count;
            *m++ = static_cast<int32_t>(ch);
          }
    }
  });
  return {out, map};
}

std::tuple<at::Tensor, at::Tensor> roi_pool(const at::Tensor& input_in, const at::Tensor& rois_in,
                                            double spatial_scale, int64_t ph, int64_t pw) {
  check_rois("roi_pool", input_in, rois_in);
  at::Tensor input = input_in.contiguous(), rois = rois_in.contiguous();
  const int64_t k = rois.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  at::Tensor out = at::zeros({k, c, ph, pw}, input.options());
  at::Tensor arg = at::zeros({k, c, ph, pw}, input.options().dtype(at::kInt));
  if (out.numel() == 0) return {out, arg};
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "roi_pool", [&] {
    const scalar_t* in = input.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    int32_t* a = arg.data_ptr<int32_t>();
    for (int64_t n = 0; n < k; ++n) {
      const scalar_t* roi = rois.data_ptr<scalar_t>() + n * 5;
      PoolBox box(roi, static_cast<scalar_t>(spatial_scale), 1);  // end corners inclusive
      const auto b = static_cast<int64_t>(roi[0]);
      for (int64_t i = 0; i < ph; ++i)
        for (int64_t j = 0; j < pw; ++j) {
          auto [h0, h1] = pool_bin<scalar_t>(i, ph, box.height, box.y0, h);
          auto [w0, w1] = pool_bin<scalar_t>(j, pw, box.width, box.x0, w);
          const bool empty = h1 <= h0 || w1 <= w0;
          for (int64_t ch = 0; ch < c; ++ch) {
            const scalar_t* plane = in + (b * c + ch) * h * w;
            scalar_t best = empty ? 0 : std::numeric_limits<scalar_t>::lowest();
            int64_t at = -1;
            for (int64_t y = h0; y < h1; ++y)
              for (int64_t x = w0; x < w1; ++x)
                if (plane[y * w + x] > best) best = plane[at = y * w + x];
            const int64_t idx = ((n * c + ch) * ph + i) * pw + j;
            o[idx] = best;
            a[idx] = static_cast<int32_t>(at);
          }
        }
    }
  });
  return {out, arg};
}

std::tuple<at::Tensor, at::Tensor> ps_roi_pool(const at::Tensor& input_in, const at::Tensor& rois_in,
                                               double spatial_scale, int64_t ph, int64_t pw) {
  PsCall call("ps_roi_pool", input_in, rois_in, ph, pw);
  const at::Tensor &input = call.input, &rois = call.rois;
  at::Tensor &out = call.out, &map = call.map;
  const int64_t k = rois.size(0), c = input.size(1), h = input.size(2), w = input.size(3), c_out = call.c_out;
  if (out.numel() == 0) return {out, map};
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "ps_roi_pool", [&] {
    const scalar_t* in = input.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    int32_t* m = map.data_ptr<int32_t>();
    for (int64_t n = 0; n < k; ++n) {
      const scalar_t* roi = rois.data_ptr<scalar_t>() + n * 5;
      PoolBox box(roi, static_cast<scalar_t>(spatial_scale), 0);  // end corners exclusive
      const auto b = static_cast<int64_t>(roi[0]);
      int64_t ch = 0;
      for (int64_t co = 0; co < c_out; ++co)
        for (int64_t i = 0; i < ph; ++i)
          for (int64_t j = 0; j < pw; ++j, ++ch) {
            // torchvision 0.14 clamps these bins to H - 1 and W - 1 (its last row and column
            // never count); kept so that the numbers are torchvision's
            auto [h0, h1] = pool_bin<scalar_t>(i, ph, box.height, box.y0, h - 1);
            auto [w0, w1] = pool_bin<scalar_t>(j, pw, box.width, box.x0, w - 1);
            const scalar_t* plane = in + (b * c + ch) * h * w;
            scalar_t sum = 0;
            for (int64_t y = h0; y < h1; ++y)
              for (int64_t x = w0; x < w1; ++x) sum += plane[y * w + x];
            const bool empty = h1 <= h0 || w1 <= w0;
            *o++ = empty ? scalar_t(0) : sum / static_cast<scalar_t>((h1 - h0) * (w1 - w0));
            *m++ = static_cast<int32_t>(ch);
          }
    }
  });
  return {out, map};
}

}  // namespace mx::tv
