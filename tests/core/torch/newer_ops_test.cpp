// The torch 2.x operators of core/torch/newer_ops.cpp run on the Meta dispatch key (the
// shape-only trace's): on meta tensors they give the CPU kernel's shape and dtype without
// computing, and refuse what the CPU kernel refuses.
// (squeeze.dims, torch 2.0's overload, is a view on any device.)
#include <gtest/gtest.h>

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/ATen.h>

#include "torch/newer_ops.h"

namespace mx::test {
namespace {

using Sdpa = at::Tensor(const at::Tensor&, const at::Tensor&, const at::Tensor&, const c10::optional<at::Tensor>&,
                        double, bool, c10::optional<double>, bool);
using RmsNorm = at::Tensor(const at::Tensor&, at::IntArrayRef, const c10::optional<at::Tensor>&,
                           c10::optional<double>);

template <typename Fn>
c10::TypedOperatorHandle<Fn> op(const char* name) {
  register_newer_ops();
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, "").typed<Fn>();
}

at::Tensor meta(std::vector<int64_t> sizes, at::ScalarType t = at::kFloat) {
  return at::empty(sizes, at::TensorOptions().device(at::kMeta).dtype(t));
}

at::Tensor cpu(std::vector<int64_t> sizes) { return at::randn(sizes); }

TEST(NewerOpsMeta, SdpaGivesQuerySizesWithValueHeadSize) {
  auto sdpa = op<Sdpa>("aten::scaled_dot_product_attention");
  auto out = sdpa.call(meta({2, 3, 4, 8}), meta({2, 3, 6, 8}), meta({2, 3, 6, 5}), meta({2, 1, 4, 6}, at::kBool), 0.0,
                       false, 0.25, false);
  EXPECT_TRUE(out.is_meta());
  EXPECT_EQ(out.sizes().vec(), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(out.scalar_type(), at::kFloat);
  auto on_cpu = sdpa.call(cpu({2, 3, 4, 8}), cpu({2, 3, 6, 8}), cpu({2, 3, 6, 5}), c10::nullopt, 0.0, false,
                          c10::nullopt, false);
  EXPECT_EQ(on_cpu.sizes(), out.sizes());
}

TEST(NewerOpsMeta, SdpaGroupedQueryHeadsKeepTheQueryHeads) {
  auto sdpa = op<Sdpa>("aten::scaled_dot_product_attention");
  auto out = sdpa.call(meta({1, 4, 5, 8}, at::kDouble), meta({1, 2, 5, 8}, at::kDouble),
                       meta({1, 2, 5, 8}, at::kDouble), c10::nullopt, 0.0, true, c10::nullopt, true);
  EXPECT_EQ(out.sizes().vec(), (std::vector<int64_t>{1, 4, 5, 8}));
  EXPECT_EQ(out.scalar_type(), at::kDouble);
}

TEST(NewerOpsMeta, SdpaRefusesWhatTheCpuKernelRefuses) {
  auto sdpa = op<Sdpa>("aten::scaled_dot_product_attention");
  EXPECT_THROW(sdpa.call(meta({1, 3, 5, 8}), meta({1, 2, 5, 8}), meta({1, 2, 5, 8}), c10::nullopt, 0.0, false,
                         c10::nullopt, true),
               c10::Error);  // 3 query heads over 2 key heads
  EXPECT_THROW(sdpa.call(meta({1, 2, 5, 8}), meta({1, 2, 5, 8}), meta({1, 2, 5, 8}), c10::nullopt, 0.1, false,
                         c10::nullopt, false),
               c10::Error);  // dropout
  EXPECT_THROW(sdpa.call(meta({1, 2, 5, 8}), meta({1, 2, 5, 8}), meta({1, 2, 5, 8}), meta({5, 5}), 0.0, true,
                         c10::nullopt, false),
               c10::Error);  // mask and is_causal
}

TEST(NewerOpsMeta, RmsNormKeepsSizesAndPromotesWithTheWeight) {
  auto rms = op<RmsNorm>("aten::rms_norm");
  auto plain = rms.call(meta({2, 3, 8}, at::kHalf), {3, 8}, c10::nullopt, c10::nullopt);
  EXPECT_TRUE(plain.is_meta());
  EXPECT_EQ(plain.sizes().vec(), (std::vector<int64_t>{2, 3, 8}));
  EXPECT_EQ(plain.scalar_type(), at::kHalf);
  auto weighted = rms.call(meta({2, 3, 8}), {8}, meta({8}, at::kDouble), 1e-6);
  EXPECT_EQ(weighted.scalar_type(), at::kDouble);
  auto on_cpu = rms.call(cpu({2, 3, 8}), {8}, cpu({8}).to(at::kDouble), 1e-6);
  EXPECT_EQ(on_cpu.scalar_type(), weighted.scalar_type());
  EXPECT_THROW(rms.call(meta({2, 3, 8}), {4}, c10::nullopt, c10::nullopt), c10::Error);
}

TEST(NewerOpsMeta, SqueezeDimsDropsOnlyListedDimsOfSizeOne) {
  using SqueezeDims = at::Tensor(const at::Tensor&, at::IntArrayRef);
  register_newer_ops();
  auto squeeze = c10::Dispatcher::singleton().findSchemaOrThrow("aten::squeeze", "dims").typed<SqueezeDims>();
  auto out = squeeze.call(meta({2, 1, 3, 1}, at::kLong), {1, -1, 2});
  EXPECT_TRUE(out.is_meta());
  EXPECT_EQ(out.sizes().vec(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(out.scalar_type(), at::kLong);
  EXPECT_EQ(squeeze.call(cpu({2, 1, 3, 1}), {1, -1, 2}).sizes(), out.sizes());
}

}  // namespace
}  // namespace mx::test
