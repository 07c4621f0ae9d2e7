// Reductions over dims: mean and sum -> ReduceMean / ReduceSum.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// mean/sum(self, dim=None, keepdim=False, dtype=None); mean/sum(self, dtype=None) reduce all.
void reduce(EmitContext& cx, const std::string& op) {
  size_t rank = cx.rank(0);
  std::vector<int64_t> axes;
  bool keepdim = false;
  bool has_dims = cx.arg_count() >= 3 && (cx.arg(1).kind == Value::Kind::IntList || cx.arg(1).kind == Value::Kind::Int ||
                                           cx.arg(1).kind == Value::Kind::None);
  if (has_dims) {
    if (!cx.is_none(1))
      for (auto d : cx.ints_arg(1)) axes.push_back(cx.norm_dim(d, rank));
    keepdim = cx.bool_arg(2);
  }
  if (axes.empty())
    for (size_t d = 0; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  DType t = cx.out().dtype;
  std::string x = cx.tensor_as(0, t);
  std::string out = cx.fresh(op);
  onnx::NodeProto* n;
  if (op == "ReduceSum") {  // axes became an input in opset 13 for ReduceSum only
    n = cx.node(op, {x, cx.const_ints(axes)}, {out});
  } else {
    n = cx.node(op, {x}, {out});
    set_attr(n, "axes", axes);
  }
  set_attr(n, "keepdims", static_cast<int64_t>(keepdim));
  cx.set_output(0, out);
}

void emit_mean(EmitContext& cx) { reduce(cx, "ReduceMean"); }
void emit_sum(EmitContext& cx) { reduce(cx, "ReduceSum"); }

}  // namespace

// ReduceMean's axes move from attribute to input in opset 18, beyond what we target.
MX_OPS({
    {"aten::mean", 13, emit_mean},
    {"aten::sum", 13, emit_sum},
})

}  // namespace mx
