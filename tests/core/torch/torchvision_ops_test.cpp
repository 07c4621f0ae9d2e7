// Our kernels for torchvision's operators give torchvision's own results: the cases of
// tests/fixtures/torchvision_kernels.py (random boxes of every kind: partly outside,
// tiny, inverted, empty; every argument of each op) hold the outputs torchvision
// computed, and the same calls run here on the kernels that load_module registers.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "support/test_env.h"
#include "torch/model_file.h"
#include "torch/torchvision_ops.h"

namespace mx::test {
namespace {

class TorchvisionKernels : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    std::string pt = dir_->file("cases.pt");
    auto made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/torchvision_kernels.py") + " " + quote(pt));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    module_ = new torch::jit::Module(load_module(pt));
  }
  static void TearDownTestSuite() {
    delete module_;
    delete dir_;
  }
  static TempDir* dir_;
  static torch::jit::Module* module_;
};
TempDir* TorchvisionKernels::dir_ = nullptr;
torch::jit::Module* TorchvisionKernels::module_ = nullptr;

// Equal shapes and dtypes; values within 1e-5 of the larger of 1 and the largest |value|
// (float sums in another order), NaN where torchvision has NaN; integer outputs exact.
void expect_same(const at::Tensor& ours, const at::Tensor& theirs, const std::string& what) {
  ASSERT_EQ(ours.sizes(), theirs.sizes()) << what;
  ASSERT_EQ(ours.scalar_type(), theirs.scalar_type()) << what;
  if (!theirs.is_floating_point()) {
    EXPECT_TRUE(ours.equal(theirs)) << what;
    return;
  }
  EXPECT_TRUE(ours.isnan().equal(theirs.isnan())) << what << ": NaN in other places";
  if (theirs.numel() == 0) return;
  at::Tensor a = ours.nan_to_num(0), b = theirs.nan_to_num(0);
  double scale = std::max(1.0, b.abs().max().item<double>());
  EXPECT_LE((a - b).abs().max().item<double>(), 1e-5 * scale) << what;
}

TEST_F(TorchvisionKernels, EveryCaseGivesTorchvisionsOutputs) {
  ASSERT_NE(module_, nullptr);
  auto ops = module_->attr("ops").toList();
  auto expected = module_->attr("expected").toTensorList();
  auto second = module_->attr("expected_second").toTensorList();
  auto results = module_->forward({}).toList();
  ASSERT_EQ(results.size(), ops.size());
  ASSERT_GT(ops.size(), 90u);  // every op, both dtypes, every argument combination
  for (size_t i = 0; i < ops.size(); ++i) {
    auto pair = results.get(i).toTensorList();
    std::string what = "case " + std::to_string(i) + " (" + ops.get(i).toStringRef() + ")";
    expect_same(pair.get(0), expected.get(i), what);
    expect_same(pair.get(1), second.get(i), what + ", second output");
  }
}

TEST_F(TorchvisionKernels, KernelsAreOursAndNamed) {
  // This process never loads torchvision's library: the operators can only be ours.
  auto names = torchvision_op_names();
  EXPECT_EQ(names.size(), 6u);
  for (const auto& name : names)
    EXPECT_TRUE(c10::Dispatcher::singleton().findSchema({name, ""}).has_value()) << name;
}

TEST_F(TorchvisionKernels, MetaKernelsGiveShapes) {
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("torchvision::roi_align", "");
  auto x = at::empty({2, 3, 10, 12}, at::TensorOptions().device(at::kMeta));
  auto rois = at::empty({5, 5}, at::TensorOptions().device(at::kMeta));
  torch::jit::Stack stack{x, rois, 0.5, int64_t{3}, int64_t{4}, int64_t{-1}, true};
  op.callBoxed(&stack);
  EXPECT_EQ(stack.at(0).toTensor().sizes(), (std::vector<int64_t>{5, 3, 3, 4}));
}

// A file's code may call the RoI ops with any boxes: a batch index past the input, or a NaN
// coordinate, is refused with the op's name (torchvision's own kernels read out of bounds).
TEST_F(TorchvisionKernels, RoisOutsideTheInputAreRefused) {
  auto x = at::rand({1, 2, 8, 8});
  for (const char* name : {"torchvision::roi_align", "torchvision::roi_pool", "torchvision::ps_roi_align",
                           "torchvision::ps_roi_pool"}) {
    auto op = c10::Dispatcher::singleton().findSchemaOrThrow(name, "");
    const bool align = std::string(name).find("align") != std::string::npos;
    for (float bad_batch : {1.0f, -1.0f, NAN}) {
      auto rois = at::tensor({0.0f, 0.0f, 0.0f, 4.0f, 4.0f}).reshape({1, 5});
      rois[0][0] = bad_batch;
      torch::jit::Stack stack{x, rois, 1.0, int64_t{1}, int64_t{1}};
      if (align) stack.emplace_back(int64_t{-1});
      if (std::string(name) == "torchvision::roi_align") stack.emplace_back(false);
      try {
        op.callBoxed(&stack);
        ADD_FAILURE() << name << " ran with batch index " << bad_batch;
      } catch (const c10::Error& e) {
        std::string what = e.what_without_backtrace();
        EXPECT_NE(what.find(std::string(name).substr(13) + ": "), std::string::npos) << what;
      }
    }
  }
}


// Calls torchvision::NAME through the dispatcher, as a file's code does: the error's message
// without LibTorch's backtrace, or "" when the call ran.
std::string refusal(const std::string& name, torch::jit::Stack args) {
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow(("torchvision::" + name).c_str(), "");
  try {
    op.callBoxed(&args);
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  }
  return "";
}

at::Tensor roi(float corner) { return at::tensor({0.0f, 0.0f, 0.0f, corner, corner}).reshape({1, 5}); }

// deform_conv2d's arguments for a 2x2x5x5 input and a 3x3 kernel (a 3x3 output), with one
// argument replaced.
torch::jit::Stack deform(size_t replaced, c10::IValue value, c10::Device device = at::kCPU) {
  auto opts = at::TensorOptions().device(device);
  torch::jit::Stack s{at::ones({2, 2, 5, 5}, opts), at::ones({2, 2, 3, 3}, opts), at::zeros({2, 18, 3, 3}, opts),
                      at::ones({2, 9, 3, 3}, opts), at::zeros({2}, opts), int64_t{1}, int64_t{1}, int64_t{0},
                      int64_t{0}, int64_t{1}, int64_t{1}, int64_t{1}, int64_t{1}, true};
  s.at(replaced) = std::move(value);
  return s;
}

// Arguments a file's code may pass that torchvision's kernels (and ours, before) divided by
// zero on, read out of bounds with, overflowed on, looped on for hours, or answered with
// LibTorch's message: each is refused with a message that starts with the op's name (found
// by tests/fuzz/torchvision_fuzzer.cpp and by reading the kernels).
TEST_F(TorchvisionKernels, BadArgumentsAreRefusedWithTheOpsName) {
  auto x = at::rand({1, 2, 8, 8}), xp = at::rand({1, 4, 8, 8}), meta = at::empty({1, 4, 8, 8}, at::kMeta);
  const int64_t huge = int64_t{1} << 32;
  std::vector<std::pair<std::string, torch::jit::Stack>> calls = {
      {"roi_pool", {x, roi(4), 1.0, int64_t{0}, int64_t{2}}},                    // an empty output
      {"ps_roi_pool", {xp, roi(4), 1.0, int64_t{0}, int64_t{2}}},                // channels % 0
      {"ps_roi_pool", {meta, roi(4).to(at::kMeta), 1.0, int64_t{0}, int64_t{2}}},  // the same in the Meta kernel
      {"ps_roi_align", {xp, roi(4), 1.0, huge, huge, int64_t{-1}}},              // ph * pw overflows to 0
      {"roi_align", {x, roi(4), 1.0, int64_t{-1}, int64_t{2}, int64_t{-1}, false}},  // LibTorch's negative size
      {"roi_align", {x, roi(4), double(NAN), int64_t{2}, int64_t{2}, int64_t{-1}, false}},  // NaN grid to int64
      {"roi_align", {x, roi(4), 1.0, int64_t{2}, int64_t{2}, int64_t{1} << 40, false}},     // 2^80 samples
      {"roi_align", {x, roi(1e30f), 1e10, int64_t{2}, int64_t{2}, int64_t{0}, false}},      // an infinite box
      {"ps_roi_align", {xp, roi(3e9f), 1.0, int64_t{1}, int64_t{1}, int64_t{0}}},           // a 3e9-point grid side
      {"roi_pool", {x, roi(1e20f), 1.0, int64_t{2}, int64_t{2}}},                // corner to int64 overflows
      {"roi_align", {x.to(at::kLong), roi(4).to(at::kLong), 1.0, int64_t{2}, int64_t{2}, int64_t{-1}, false}},
      {"nms", {at::ones({1, 4}, at::kLong), at::ones({1}, at::kLong), 0.5}},
      {"nms", {at::rand({3, 4}), at::rand({3}, at::kDouble), 0.5}},  // scores of another dtype than the boxes
      {"deform_conv2d", deform(5, int64_t{0})},                                  // stride 0: division by zero
      {"deform_conv2d", deform(5, int64_t{0}, at::kMeta)},                       // the same in the Meta kernel
      {"deform_conv2d", deform(11, int64_t{0})},                                 // groups 0
      {"deform_conv2d", deform(3, at::ones({1, 1, 1, 1}))},                     // a mask too small to read
      {"deform_conv2d", deform(2, at::zeros({1, 18, 3, 3}))},                   // an offset for one image of two
      {"deform_conv2d", deform(4, at::zeros({5}))},                             // LibTorch's view message
      {"deform_conv2d", deform(7, int64_t{1} << 62)},                            // the padded size overflows
  };
  for (auto& [name, args] : calls) {
    std::string what = refusal(name, args);
    EXPECT_EQ(what.rfind(name + ": ", 0), 0u) << name << ": " << (what.empty() ? "ran" : what);
  }
}

// An input whose planes are empty has no pixel to sample: zeros, not a read before its data.
TEST_F(TorchvisionKernels, EmptyPlanesGiveZeros) {
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("torchvision::roi_align", "");
  torch::jit::Stack stack{at::rand({1, 2, 0, 0}), roi(4), 1.0, int64_t{2}, int64_t{2}, int64_t{-1}, true};
  op.callBoxed(&stack);
  at::Tensor out = stack.at(0).toTensor();
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 2, 2, 2}));
  EXPECT_TRUE(out.eq(0).all().item<bool>());
}

}  // namespace
}  // namespace mx::test
