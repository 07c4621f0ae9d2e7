// aten::linear -> Gemm (2-d input) or MatMul + Add; aten::addmm -> Gemm; aten::baddbmm.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// aten::linear(input, weight, bias?): y = input @ weight.T + bias
void emit_linear(EmitContext& cx) {
  const auto& input = cx.arg(0);
  const auto& weight = cx.arg(1);
  if (!input.is_tensor() || !weight.is_tensor()) throw cx.error("input and weight must be tensors");
  if (weight.shape.size() != 2 && weight.shape.size() != 1) throw cx.error("weight must have 1 or 2 dims");
  DType dtype = cx.out().dtype;
  bool has_bias = !cx.is_none(2);
  std::string x = cx.tensor_as(0, dtype), w = cx.tensor_as(1, dtype);
  if (input.shape.size() == 2 && weight.shape.size() == 2) {
    std::vector<std::string> ins{x, w};
    if (has_bias) ins.push_back(cx.tensor_as(2, dtype));
    std::string out = cx.fresh("Gemm");
    auto* n = cx.node("Gemm", ins, {out});
    set_attr(n, "transB", static_cast<int64_t>(1));
    cx.set_output(0, out);
    return;
  }
  if (weight.shape.size() == 2) {
    std::string wt = cx.fresh("Transpose");
    set_attr(cx.helper("Transpose", {w}, {wt}), "perm", std::vector<int64_t>{1, 0});
    w = wt;
  }
  std::string mm = cx.fresh("MatMul");
  cx.node("MatMul", {x, w}, {mm});
  if (has_bias) {
    std::string out = cx.fresh("Add");
    cx.node("Add", {mm, cx.tensor_as(2, dtype)}, {out});
    mm = out;
  }
  cx.set_output(0, mm);
}

// aten::addmm(self, mat1, mat2, beta, alpha): beta * self + alpha * (mat1 @ mat2)
void emit_addmm(EmitContext& cx) {
  DType dtype = cx.out().dtype;
  std::string out = cx.fresh("Gemm");
  auto* n = cx.node("Gemm", {cx.tensor_as(1, dtype), cx.tensor_as(2, dtype), cx.tensor_as(0, dtype)}, {out});
  set_attr(n, "beta", static_cast<float>(cx.double_arg(3)));
  set_attr(n, "alpha", static_cast<float>(cx.double_arg(4)));
  cx.set_output(0, out);
}

// baddbmm(self, batch1, batch2, beta=1, alpha=1): beta * self + alpha * (batch1 @ batch2)
void emit_baddbmm(EmitContext& cx) {
  DType dtype = cx.out().dtype;
  double beta = cx.double_arg(3), alpha = cx.double_arg(4);
  std::string mm = cx.apply("MatMul", {cx.tensor_as(1, dtype), cx.tensor_as(2, dtype)});
  if (alpha != 1.0) mm = cx.apply("Mul", {mm, cx.const_scalar(alpha, dtype)}, false);
  if (beta == 0.0) return cx.set_output(0, mm);  // PyTorch ignores self (even NaN) when beta is 0
  std::string self = cx.tensor_as(0, dtype);
  if (beta != 1.0) self = cx.apply("Mul", {self, cx.const_scalar(beta, dtype)}, false);
  cx.set_output(0, cx.apply("Add", {self, mm}));
}

}  // namespace

MX_OPS({
    {"aten::linear", 13, emit_linear},
    {"aten::addmm", 13, emit_addmm},
    {"aten::baddbmm", 13, emit_baddbmm},
})

}  // namespace mx
