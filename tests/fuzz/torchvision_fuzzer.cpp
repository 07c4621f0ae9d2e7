// libFuzzer target: our torchvision kernels (core/torch/torchvision_*.cpp) called through the
// dispatcher as a TorchScript file's code calls them, on CPU tensors and then on meta tensors
// (the meta trace), with shapes, boxes, batch indices and numbers decoded from the input.
// Each call must give a result or a c10::Error whose message starts with the op's name; a
// CPU result's shapes must be the Meta kernel's. Any other exception, ASan/UBSan report,
// crash or hang is a finding. Value tables avoid calls that are valid but merely huge (a
// 12 GB output, 2^31 samples): those are slow, not wrong.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/stack.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "torch/torchvision_ops.h"

namespace {

constexpr int64_t kMin = INT64_MIN, kMax = INT64_MAX;

// The input, read front to back; zeros once it runs out.
struct Bytes {
  const uint8_t* p;
  size_t n;
  uint8_t next() { return n ? (--n, *p++) : 0; }
  template <typename T, size_t N>
  T pick(const T (&table)[N], uint8_t common, T (*make)(uint8_t)) {
    uint8_t m = next();
    return m < common ? make(m) : table[m % N];
  }
};

// A coordinate or offset: a quarter step in [-32, 32) mostly, else an extreme value.
double value(Bytes& in) {
  static const double extremes[] = {NAN, INFINITY, -INFINITY, 1e15, -1e15, 1e30, -1e30, 1e300, -1e300, -0.0, 1e-30};
  uint8_t m = in.next();
  if (m < 208) return static_cast<int8_t>(in.next()) / 4.0;
  return extremes[m % 11];
}

double scale(Bytes& in) {
  static const double table[] = {0, -1, -0.5, 1e-15, 1e-30, 1e15, 1e30, NAN, INFINITY, -INFINITY};
  return in.pick<double>(table, 200, [](uint8_t m) {
    static const double common[] = {1, 0.5, 0.25, 0.125, 0.0625, 2, 4};
    return common[m % 7];
  });
}

int64_t pooled(Bytes& in) {
  static const int64_t table[] = {0, -1, -7, kMin, kMax, int64_t{1} << 62, int64_t{1} << 40};
  return in.pick<int64_t>(table, 232, [](uint8_t m) { return int64_t{1} + m % 8; });
}

int64_t ratio(Bytes& in) {
  static const int64_t table[] = {-1000, kMin, kMax, int64_t{1} << 62, int64_t{1} << 31, int64_t{1} << 20};
  return in.pick<int64_t>(table, 232, [](uint8_t m) { return int64_t{m % 6} - 1; });
}

at::ScalarType dtype(Bytes& in) {
  uint8_t m = in.next() % 16;
  return m < 8 ? at::kFloat : m < 15 ? at::kDouble : at::kLong;
}

// Deterministic, varied values (the input's data matters less than its shape).
at::Tensor filled(std::vector<int64_t> sizes, at::ScalarType type, Bytes& in) {
  double seed = 1 + in.next() / 16.0;
  at::Tensor t = at::arange(c10::multiply_integers(sizes), at::kDouble).mul(seed).sin().mul(3).reshape(sizes);
  if (t.numel() > 0 && in.next() > 240) t.view(-1)[0] = NAN;
  return t.to(type);
}

// A tensor whose elements come one by one from value() (each its own draw).
at::Tensor drawn(std::vector<int64_t> sizes, at::ScalarType type, Bytes& in, bool batch_column) {
  at::Tensor t = at::empty(sizes, at::kDouble);
  double* d = t.data_ptr<double>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    if (batch_column && sizes.size() == 2 && sizes[1] == 5 && i % 5 == 0) {
      static const double odd[] = {-1, 0.5, NAN, 1e30, -0.0, 3.99, 4};
      uint8_t m = in.next();
      d[i] = m < 224 ? m % 4 : odd[m % 7];
    } else {
      d[i] = value(in);
    }
  }
  return t.to(type);
}

std::vector<int64_t> dims(Bytes& in, std::vector<int64_t> mods) {
  uint8_t r = in.next();
  size_t rank = r < 240 ? mods.size() : r % 6;
  std::vector<int64_t> out;
  for (size_t i = 0; i < rank; ++i) out.push_back(in.next() % (i < mods.size() ? mods[i] : 5));
  return out;
}

[[noreturn]] void finding(const std::string& op, const std::string& what) {
  std::fprintf(stderr, "torchvision::%s: %s\n", op.c_str(), what.c_str());
  std::abort();
}

// Calls the op; true with the outputs in `stack` when it ran, false when it refused with a
// message of its own.
bool call(const std::string& op, torch::jit::Stack& stack) {
  static auto& dispatcher = c10::Dispatcher::singleton();
  try {
    dispatcher.findSchemaOrThrow(("torchvision::" + op).c_str(), "").callBoxed(&stack);
    return true;
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    if (what.rfind(op + ": ", 0) != 0) finding(op, "refused without its own message: " + what);
    return false;
  }
}

torch::jit::Stack on_meta(const torch::jit::Stack& stack) {
  torch::jit::Stack out;
  for (const auto& v : stack) out.push_back(v.isTensor() ? c10::IValue(v.toTensor().to(at::kMeta)) : v);
  return out;
}

// What every result must satisfy: the Meta kernel gives the same shapes; indices in range.
void check_result(const std::string& op, const torch::jit::Stack& args, const torch::jit::Stack& outs) {
  if (op == "nms") {
    at::Tensor keep = outs.at(0).toTensor();
    if (keep.numel() && (keep.min().item<int64_t>() < 0 || keep.max().item<int64_t>() >= args[0].toTensor().size(0)))
      finding(op, "kept index outside the boxes");
    return;
  }
  torch::jit::Stack meta = on_meta(args);
  if (!call(op, meta)) finding(op, "the CPU kernel ran but the Meta kernel refused");
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].toTensor().sizes() != meta.at(i).toTensor().sizes()) finding(op, "Meta kernel's shape differs");
  if (op == "roi_pool") {
    const at::Tensor& x = args[0].toTensor();
    at::Tensor arg = outs.at(1).toTensor();
    if (arg.numel() && (arg.min().item<int>() < -1 || arg.max().item<int64_t>() >= x.size(2) * x.size(3)))
      finding(op, "argmax outside the plane");
  }
}

torch::jit::Stack roi_args(Bytes& in, int op) {
  at::ScalarType type = dtype(in);
  at::Tensor x = filled(dims(in, {4, 13, 17, 17}), type, in);
  const int64_t k = in.next() % 9, cols = in.next();
  at::ScalarType roi_type = in.next() == 255 ? (type == at::kFloat ? at::kDouble : at::kFloat) : type;
  at::Tensor rois = drawn({k, cols < 248 ? 5 : cols % 7}, roi_type, in, true);
  torch::jit::Stack s{x, rois, scale(in), pooled(in), pooled(in)};
  if (op == 1 || op == 3) s.emplace_back(ratio(in));  // roi_align, ps_roi_align
  if (op == 1) s.emplace_back(static_cast<bool>(in.next() & 1));
  return s;
}

torch::jit::Stack nms_args(Bytes& in) {
  at::ScalarType type = dtype(in);
  const int64_t n = in.next() % 33;
  at::Tensor dets = drawn(in.next() < 248 ? std::vector<int64_t>{n, 4} : dims(in, {5, 5}), type, in, false);
  const int64_t scores_n = in.next() < 248 ? n : in.next() % 5;
  at::Tensor scores = drawn({scores_n}, in.next() == 255 ? at::kDouble : type, in, false);
  static const double iou[] = {0, 1, -1, NAN, INFINITY, 1e300};
  return {dets, scores, in.pick<double>(iou, 200, [](uint8_t m) { return (m % 9) / 8.0; })};
}

int64_t conv_number(Bytes& in, int64_t low) {
  static const int64_t table[] = {0, -1, kMin, kMax, int64_t{1} << 31, (int64_t{1} << 31) + 1, int64_t{1} << 62};
  uint8_t m = in.next();
  return m < 224 ? low + m % 3 : table[m % 7];
}

// A size the args make valid when it is small (the checks' own arithmetic, in long double),
// else a small wrong one.
int64_t or_small(long double v, Bytes& in) { return v >= 1 && v <= 64 ? static_cast<int64_t>(v) : 1 + in.next() % 4; }

torch::jit::Stack deform_args(Bytes& in) {
  at::ScalarType type = dtype(in);
  at::Tensor x = filled(dims(in, {3, 7, 9, 9}), type, in);
  std::vector<int64_t> w_size = dims(in, {7, 7, 4, 4});
  at::Tensor w = filled(w_size, in.next() == 255 ? at::kDouble : type, in);
  int64_t sh = conv_number(in, 1), sw = conv_number(in, 1), ph = conv_number(in, 0), pw = conv_number(in, 0);
  int64_t dh = conv_number(in, 1), dw = conv_number(in, 1), groups = conv_number(in, 1), og = conv_number(in, 1);
  bool use_mask = in.next() & 1;
  auto size = [&](int i) { return x.dim() == 4 ? x.size(i) : int64_t{1}; };
  auto kernel = [&](int i) { return w.dim() == 4 ? w.size(i) : int64_t{1}; };
  long double oh = ((long double)size(2) + 2.0L * ph - (dh * (kernel(2) - 1.0L) + 1)) / sh + 1;
  long double ow = ((long double)size(3) + 2.0L * pw - (dw * (kernel(3) - 1.0L) + 1)) / sw + 1;
  const int64_t n = size(0), taps = or_small((long double)og * kernel(2) * kernel(3), in);
  const int64_t out_h = or_small(std::floor(oh), in), out_w = or_small(std::floor(ow), in);
  std::vector<int64_t> offset_size{n, 2 * taps, out_h, out_w};
  if (in.next() > 240) offset_size = dims(in, {3, 9, 5, 5});
  std::vector<int64_t> mask_size{n, taps, offset_size.size() == 4 ? offset_size[2] : 1,
                                 offset_size.size() == 4 ? offset_size[3] : 1};
  if (in.next() > 240) mask_size = dims(in, {3, 9, 5, 5});
  at::Tensor offset = drawn(offset_size, type, in, false);
  at::Tensor mask = use_mask ? drawn(mask_size, type, in, false) : at::zeros({2, 1}, type);
  std::vector<int64_t> bias_size = in.next() < 240 ? std::vector<int64_t>{kernel(0)} : dims(in, {3, 3});
  at::Tensor bias = filled(bias_size, type, in);
  return {x, w, offset, mask, bias, sh, sw, ph, pw, dh, dw, groups, og, use_mask};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  mx::register_torchvision_ops();
  at::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* names[] = {"nms", "roi_align", "roi_pool", "ps_roi_align", "ps_roi_pool", "deform_conv2d"};
  Bytes in{data, size};
  const int op = in.next() % 6;
  torch::jit::Stack args = op == 0 ? nms_args(in) : op == 5 ? deform_args(in) : roi_args(in, op);
  torch::jit::Stack stack = args;
  if (call(names[op], stack)) check_result(names[op], args, stack);
  return 0;
}
