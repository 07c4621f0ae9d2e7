// torchvision's operators for a Python-free LibTorch (see torchvision_ops.h): torchvision
// 0.14's schemas, the CPU kernels of torchvision_kernels.h, and Meta kernels for the ops
// whose output shape follows from the input shapes (nms's does not: it counts kept boxes).
#include "torch/torchvision_ops.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/library.h>

#include "torch/torchvision_checks.h"
#include "torch/torchvision_kernels.h"

namespace mx {
namespace {

// The schemas exactly as torchvision 0.14 defines them (torchvision/csrc/ops/*.cpp).
struct TvOp {
  const char* name;
  const char* schema;
};

constexpr TvOp kOps[] = {
    {"nms", "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor"},
    {"roi_align",
     "roi_align(Tensor input, Tensor rois, float spatial_scale, int pooled_height, int pooled_width, "
     "int sampling_ratio, bool aligned) -> Tensor"},
    {"roi_pool",
     "roi_pool(Tensor input, Tensor rois, float spatial_scale, int pooled_height, int pooled_width) -> "
     "(Tensor, Tensor)"},
    {"ps_roi_align",
     "ps_roi_align(Tensor input, Tensor rois, float spatial_scale, int pooled_height, int pooled_width, "
     "int sampling_ratio) -> (Tensor, Tensor)"},
    {"ps_roi_pool",
     "ps_roi_pool(Tensor input, Tensor rois, float spatial_scale, int pooled_height, int pooled_width) -> "
     "(Tensor, Tensor)"},
    {"deform_conv2d",
     "deform_conv2d(Tensor input, Tensor weight, Tensor offset, Tensor mask, Tensor bias, int stride_h, "
     "int stride_w, int pad_h, int pad_w, int dilation_h, int dilation_w, int groups, int offset_groups, "
     "bool use_mask) -> Tensor"},
};

// The Meta kernels run the CPU kernels' shape checks (torchvision_checks.h): a call the CPU
// kernel refuses for its shapes or numbers is refused here with the same message.
at::Tensor roi_align_meta(const at::Tensor& input, const at::Tensor& rois, double s, int64_t ph, int64_t pw, int64_t,
                          bool) {
  const int64_t c = tv::check_roi_shapes("roi_align", input, rois, s, ph, pw, false);
  return at::empty({rois.size(0), c, ph, pw}, input.options());
}

std::tuple<at::Tensor, at::Tensor> pool_meta(const char* op, const at::Tensor& input, const at::Tensor& rois, double s,
                                             int64_t ph, int64_t pw, bool ps) {
  const int64_t c = tv::check_roi_shapes(op, input, rois, s, ph, pw, ps);
  return {at::empty({rois.size(0), c, ph, pw}, input.options()),
          at::empty({rois.size(0), c, ph, pw}, input.options().dtype(at::kInt))};
}

std::tuple<at::Tensor, at::Tensor> roi_pool_meta(const at::Tensor& input, const at::Tensor& rois, double s, int64_t ph,
                                                 int64_t pw) {
  return pool_meta("roi_pool", input, rois, s, ph, pw, false);
}

std::tuple<at::Tensor, at::Tensor> ps_roi_pool_meta(const at::Tensor& input, const at::Tensor& rois, double s,
                                                    int64_t ph, int64_t pw) {
  return pool_meta("ps_roi_pool", input, rois, s, ph, pw, true);
}

std::tuple<at::Tensor, at::Tensor> ps_roi_align_meta(const at::Tensor& input, const at::Tensor& rois, double s,
                                                     int64_t ph, int64_t pw, int64_t) {
  return pool_meta("ps_roi_align", input, rois, s, ph, pw, true);
}

at::Tensor deform_conv2d_meta(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& offset,
                              const at::Tensor& mask, const at::Tensor& bias, int64_t sh, int64_t sw, int64_t ph,
                              int64_t pw, int64_t dh, int64_t dw, int64_t groups, int64_t offset_groups,
                              bool use_mask) {
  auto [oh, ow] =
      tv::check_deform_args(input, weight, offset, mask, bias, sh, sw, ph, pw, dh, dw, groups, offset_groups, use_mask);
  return at::empty({input.size(0), weight.size(0), oh, ow}, input.options());
}

bool has_op(const char* name) {
  return c10::Dispatcher::singleton().findSchema({std::string("torchvision::") + name, ""}).has_value();
}

}  // namespace

void register_torchvision_ops() {
  static const bool done = [] {
    if (has_op("nms")) return true;  // torchvision's own library is loaded: it keeps its ops
    static auto* lib = new torch::Library(torch::Library::FRAGMENT, "torchvision", c10::nullopt, __FILE__, __LINE__);
    for (const auto& op : kOps) lib->def(op.schema);
    lib->impl("nms", c10::DispatchKey::CPU, TORCH_FN(tv::nms));
    lib->impl("roi_align", c10::DispatchKey::CPU, TORCH_FN(tv::roi_align));
    lib->impl("roi_pool", c10::DispatchKey::CPU, TORCH_FN(tv::roi_pool));
    lib->impl("ps_roi_align", c10::DispatchKey::CPU, TORCH_FN(tv::ps_roi_align));
    lib->impl("ps_roi_pool", c10::DispatchKey::CPU, TORCH_FN(tv::ps_roi_pool));
    lib->impl("deform_conv2d", c10::DispatchKey::CPU, TORCH_FN(tv::deform_conv2d));
    lib->impl("roi_align", c10::DispatchKey::Meta, TORCH_FN(roi_align_meta));
    lib->impl("roi_pool", c10::DispatchKey::Meta, TORCH_FN(roi_pool_meta));
    lib->impl("ps_roi_align", c10::DispatchKey::Meta, TORCH_FN(ps_roi_align_meta));
    lib->impl("ps_roi_pool", c10::DispatchKey::Meta, TORCH_FN(ps_roi_pool_meta));
    lib->impl("deform_conv2d", c10::DispatchKey::Meta, TORCH_FN(deform_conv2d_meta));
    // LibTorch 1.13 has no autograd fallthrough for meta tensors (it has one for CPU): without
    // this, a meta call stops at AutogradMeta before reaching the Meta kernels.
    for (const char* name : {"roi_align", "roi_pool", "ps_roi_align", "ps_roi_pool", "deform_conv2d"})
      lib->impl(name, c10::DispatchKey::AutogradMeta, torch::CppFunction::makeFallthrough());
    return true;
  }();
  (void)done;
}

std::vector<std::string> torchvision_op_names() {
  std::vector<std::string> out;
  for (const auto& op : kOps) out.push_back(std::string("torchvision::") + op.name);
  return out;
}

}  // namespace mx
