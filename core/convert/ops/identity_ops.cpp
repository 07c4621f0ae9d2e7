// Ops that change nothing in an exported (eval-mode) graph: dropout, contiguous, detach, clone.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// dropout(input, p, train): identity unless train is true.
void emit_dropout(EmitContext& cx) {
  if (cx.bool_arg(2)) throw cx.error("dropout in training mode is not supported; export the model in eval mode");
  cx.set_output(0, cx.tensor(0));
}

// native_dropout(input, p, train) -> (output, mask): in eval the mask keeps everything.
void emit_native_dropout(EmitContext& cx) {
  if (cx.is_none(2) || cx.bool_arg(2))
    throw cx.error("dropout in training mode is not supported; export the model in eval mode");
  cx.set_output(0, cx.tensor(0));
  std::string ones = constant_of_shape(cx, cx.apply("Shape", {cx.tensor(0)}, false), 1.0);  // of output 0's type
  cx.set_output(1, cx.cast(ones, cx.out(0).dtype, cx.out(1).dtype));
}

void emit_identity(EmitContext& cx) { cx.set_output(0, cx.tensor(0)); }

}  // namespace

MX_OPS({
    {"aten::dropout", 1, emit_dropout},
    {"aten::feature_dropout", 1, emit_dropout},
    {"aten::alpha_dropout", 1, emit_dropout},
    {"aten::feature_alpha_dropout", 1, emit_dropout},
    {"aten::native_dropout", 9, emit_native_dropout},
    {"aten::contiguous", 1, emit_identity},
    {"aten::detach", 1, emit_identity},
    {"aten::clone", 1, emit_identity},
    // Conjugation and negation views are identities on the real tensors ONNX holds.
    {"aten::resolve_conj", 1, emit_identity},
    {"aten::resolve_neg", 1, emit_identity},
})

}  // namespace mx
