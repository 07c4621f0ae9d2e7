// Ops that change nothing in an exported (eval-mode) graph: dropout, contiguous, detach, clone.
#include "../emit_context.h"
#include "ops.h"

namespace mx {
namespace {

// dropout(input, p, train): identity unless train is true.
void emit_dropout(EmitContext& cx) {
  if (cx.bool_arg(2)) throw cx.error("dropout in training mode is not supported; export the model in eval mode");
  cx.set_output(0, cx.tensor(0));
}

void emit_identity(EmitContext& cx) { cx.set_output(0, cx.tensor(0)); }

}  // namespace

void register_identity_ops(OpRegistry& r) {
  const char* src = "core/ops/identity_ops.cpp";
  for (const char* op : {"aten::dropout", "aten::dropout_", "aten::feature_dropout", "aten::alpha_dropout"})
    r.add(op, 1, emit_dropout, src);
  for (const char* op : {"aten::contiguous", "aten::detach", "aten::clone"}) r.add(op, 1, emit_identity, src);
}

}  // namespace mx
