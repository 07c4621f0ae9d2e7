// aten::lstm_cell (nn.LSTMCell in a scripted model; a trace records its decomposition):
// one step, written out as PyTorch computes it, since the weights need not be parameters.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// x @ w^T (+ b): input-sized x may be 1-d (unbatched) or 2-d.
std::string affine(EmitContext& cx, const std::string& x, size_t w, size_t b, DType t) {
  std::string wt = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {cx.tensor_as(w, t)}, {wt}), "perm", std::vector<int64_t>{1, 0});
  std::string y = cx.apply("MatMul", {x, wt});
  return cx.is_none(b) ? y : cx.apply("Add", {y, cx.tensor_as(b, t)});
}

// lstm_cell(input, hx=[h, c], w_ih, w_hh, b_ih=None, b_hh=None) -> (h', c'), gates (i, f, g, o):
// c' = sigmoid(f) * c + sigmoid(i) * tanh(g), h' = sigmoid(o) * tanh(c').
void emit_lstm_cell(EmitContext& cx) {
  auto states = cx.tensor_list(1);
  if (states.size() != 2) throw cx.error("hx must be [h, c], got " + std::to_string(states.size()) + " tensors");
  if (cx.rank(2) != 2 || cx.rank(3) != 2) throw cx.error("w_ih and w_hh must be 2-d");
  int64_t hidden = cx.arg(3).shape[1];
  if (cx.arg(2).shape[0] != 4 * hidden || cx.arg(3).shape[0] != 4 * hidden)
    throw cx.error("the weights must have 4 * hidden_size (" + std::to_string(4 * hidden) + ") rows");
  DType t = cx.out().dtype;
  std::string x = cx.tensor_as(0, t);
  std::string gates = cx.apply("Add", {affine(cx, x, 2, 4, t), affine(cx, states[0], 3, 5, t)});
  std::vector<std::string> parts{cx.fresh("Split"), cx.fresh("Split"), cx.fresh("Split"), cx.fresh("Split")};
  set_attr(cx.node("Split", {gates, cx.const_ints({hidden, hidden, hidden, hidden})}, parts), "axis",
           static_cast<int64_t>(-1));
  std::string i = cx.apply("Sigmoid", {parts[0]}), f = cx.apply("Sigmoid", {parts[1]});
  std::string g = cx.apply("Tanh", {parts[2]}), o = cx.apply("Sigmoid", {parts[3]});
  std::string c = cx.apply("Add", {cx.apply("Mul", {f, states[1]}), cx.apply("Mul", {i, g})});
  cx.set_output(0, cx.apply("Mul", {o, cx.apply("Tanh", {c})}));
  cx.set_output(1, c);
}

}  // namespace

MX_OPS({
    {"aten::lstm_cell", 14, emit_lstm_cell},
})

}  // namespace mx
