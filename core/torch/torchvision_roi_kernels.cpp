// RoI kernels of torchvision 0.14, written anew from their definition (see
// torchvision_kernels.h): roi_align, roi_pool, ps_roi_align, ps_roi_pool on CPU tensors.
// Loops over plain arrays in the kernels' own order of sums, so results agree with
// torchvision's to the last bits that float reordering allows.
#include <ATen/Dispatch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "torch/torchvision_checks.h"
#include "torch/torchvision_kernels.h"

namespace mx::tv {
namespace {

// Bilinear value of `plane` (h x w) at (y, x); 0 more than one pixel outside, clamped to the
// edge inside that margin. NaN coordinates fail the range test and give 0, as torchvision's.
template <typename T>
T bilinear(const T* plane, int64_t h, int64_t w, T y, T x) {
  if (h <= 0 || w <= 0) return 0;  // an empty plane has no pixel to clamp to
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

// The side of a sampling grid: sampling_ratio, or when that is <= 0 (adaptive) ceil(box
// size / bins), which may be negative for an inverted box (then no sample is taken). Within
// +-2^31, so that grid_h * grid_w fits in int64.
template <typename T>
int64_t grid_side(const char* op, int64_t sampling_ratio, T size, int64_t bins) {
  const T side = sampling_ratio > 0 ? static_cast<T>(sampling_ratio) : std::ceil(size / static_cast<T>(bins));
  TORCH_CHECK(std::abs(side) <= T(2147483648.0), op, ": a roi's sampling grid would be ", side,
              " points on a side (sampling_ratio ", sampling_ratio, ", box side ", size, ", ", bins, " bins)");
  return static_cast<int64_t>(side);
}

// One RoI's box in feature-map coordinates, with the bin sizes and sampling grid both
// align kernels use. `samples` counts the call's bilinear samples (`bins` per grid point),
// refused past kMaxSamples.
template <typename T>
struct AlignBox {
  T y0, x0, bin_h, bin_w;
  int64_t grid_h, grid_w;
  AlignBox(const char* op, const T* roi, T scale, T offset, bool force_one, int64_t ph, int64_t pw,
           int64_t sampling_ratio, double bins, double& samples) {
    x0 = roi[1] * scale - offset;
    y0 = roi[2] * scale - offset;
    T width = roi[3] * scale - offset - x0, height = roi[4] * scale - offset - y0;
    TORCH_CHECK(std::isfinite(x0) && std::isfinite(y0) && std::isfinite(width) && std::isfinite(height), op,
                ": a roi's box times spatial_scale overflows (", roi[1], ", ", roi[2], ", ", roi[3], ", ", roi[4],
                " times ", scale, ")");
    if (force_one) {  // malformed boxes count as 1x1
      width = std::max<T>(width, 1);
      height = std::max<T>(height, 1);
    }
    bin_h = height / static_cast<T>(ph);
    bin_w = width / static_cast<T>(pw);
    grid_h = grid_side(op, sampling_ratio, height, ph);
    grid_w = grid_side(op, sampling_ratio, width, pw);
    samples += bins * static_cast<double>(std::max<int64_t>(grid_h, 0)) * static_cast<double>(std::max<int64_t>(grid_w, 0));
    TORCH_CHECK(samples <= kMaxSamples, op, ": the rois need more than 2^32 bilinear samples (a ", grid_h, "x", grid_w,
                " grid in each of ", bins, " bins of one roi)");
  }
  // The sum of the samples of bin (i, j) of `plane`.
  T bin_sum(const T* plane, int64_t h, int64_t w, int64_t i, int64_t j) const {
    T sum = 0;
    if (grid_h <= 0 || grid_w <= 0) return sum;
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
  PoolBox(const char* op, const T* roi, T scale, int64_t extra) {
    x0 = corner(op, roi[1] * scale);
    y0 = corner(op, roi[2] * scale);
    width = std::max<int64_t>(corner(op, roi[3] * scale) - x0 + extra, 1);
    height = std::max<int64_t>(corner(op, roi[4] * scale) - y0 + extra, 1);
  }
  template <typename T>
  static int64_t corner(const char* op, T scaled) {
    check_pool_corner(op, static_cast<double>(scaled));
    return static_cast<int64_t>(std::round(scaled));
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

// The checked, contiguous arguments and zeroed outputs of a position-sensitive op: output
// [K, C / (ph * pw), ph, pw] and the int32 input channel each output element read.
struct PsCall {
  at::Tensor input, rois, out, map;
  int64_t c_out;
  PsCall(const char* op, const at::Tensor& input_in, const at::Tensor& rois_in, double spatial_scale, int64_t ph,
         int64_t pw) {
    c_out = check_roi_shapes(op, input_in, rois_in, spatial_scale, ph, pw, true);
    check_roi_values(op, input_in, rois_in);
    input = input_in.contiguous();
    rois = rois_in.contiguous();
    out = at::zeros({rois.size(0), c_out, ph, pw}, input.options());
    map = at::zeros({rois.size(0), c_out, ph, pw}, input.options().dtype(at::kInt));
  }
};

}  // namespace

at::Tensor roi_align(const at::Tensor& input_in, const at::Tensor& rois_in, double spatial_scale, int64_t ph,
                     int64_t pw, int64_t sampling_ratio, bool aligned) {
  check_roi_shapes("roi_align", input_in, rois_in, spatial_scale, ph, pw, false);
  check_roi_values("roi_align", input_in, rois_in);
  at::Tensor input = input_in.contiguous(), rois = rois_in.contiguous();
  const int64_t k = rois.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  at::Tensor out = at::zeros({k, c, ph, pw}, input.options());
  if (out.numel() == 0) return out;
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "roi_align", [&] {
    const scalar_t* in = input.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    double samples = 0;
    for (int64_t n = 0; n < k; ++n) {
      const scalar_t* roi = rois.data_ptr<scalar_t>() + n * 5;
      AlignBox<scalar_t> box("roi_align", roi, static_cast<scalar_t>(spatial_scale), aligned ? 0.5 : 0.0, !aligned, ph,
                             pw, sampling_ratio, static_cast<double>(c * ph * pw), samples);
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
  PsCall call("ps_roi_align", input_in, rois_in, spatial_scale, ph, pw);
  const at::Tensor &input = call.input, &rois = call.rois;
  at::Tensor &out = call.out, &map = call.map;
  const int64_t k = rois.size(0), c = input.size(1), h = input.size(2), w = input.size(3), c_out = call.c_out;
  if (out.numel() == 0) return {out, map};
  AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "ps_roi_align", [&] {
    const scalar_t* in = input.data_ptr<scalar_t>();
    scalar_t* o = out.data_ptr<scalar_t>();
    int32_t* m = map.data_ptr<int32_t>();
    double samples = 0;
    for (int64_t n = 0; n < k; ++n) {
      const scalar_t* roi = rois.data_ptr<scalar_t>() + n * 5;
      AlignBox<scalar_t> box("ps_roi_align", roi, static_cast<scalar_t>(spatial_scale), 0.5, false, ph, pw,
                             sampling_ratio, static_cast<double>(c_out * ph * pw), samples);
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
  check_roi_shapes("roi_pool", input_in, rois_in, spatial_scale, ph, pw, false);
  check_roi_values("roi_pool", input_in, rois_in);
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
      PoolBox box("roi_pool", roi, static_cast<scalar_t>(spatial_scale), 1);  // end corners inclusive
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
  PsCall call("ps_roi_pool", input_in, rois_in, spatial_scale, ph, pw);
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
      PoolBox box("ps_roi_pool", roi, static_cast<scalar_t>(spatial_scale), 0);  // end corners exclusive
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
