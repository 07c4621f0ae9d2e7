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

void emit_identity(EmitContext& cx) { cx.set_output(0, cx.tensor(0)); }

}  // namespace

MX_OPS({
    {"aten::dropout", 1, emit_dropout},
    {"aten::feature_dropout", 1, emit_dropout},
    {"aten::alpha_dropout", 1, emit_dropout},
    {"aten::contiguous", 1, emit_identity},
    {"aten::detach", 1, emit_identity},
    {"aten::clone", 1, emit_identity},
})

}  // namespace mx
