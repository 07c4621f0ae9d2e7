// aten::lstm and aten::gru (the .input overloads) -> one ONNX LSTM / GRU per layer.
// PyTorch orders gates (i, f, g, o) for LSTM and (r, z, n) for GRU; ONNX wants (i, o, f, c)
// and (z, r, h), so weights are re-laid out into new initializers.
#include <cstring>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

struct RnnKind {
  const char* op;
  std::vector<int> gate_order;  // ONNX gate k is PyTorch gate gate_order[k]
  size_t hidden_inputs;         // LSTM: h0 and c0; GRU: h0
};

const RnnKind kLstm{"LSTM", {0, 3, 1, 2}, 2};
const RnnKind kGru{"GRU", {1, 0, 2}, 1};

// Stacks `parts` (each [gates*hidden, cols], PyTorch gate order) into
// [parts.size(), gates*hidden, cols] in ONNX gate order; with concat_pairs, pairs of
// biases become one [2*gates*hidden] row per direction.
TensorData relayout(const std::vector<const TensorData*>& parts, const RnnKind& kind, int64_t hidden, bool bias_pairs) {
  size_t gates = kind.gate_order.size();
  const TensorData& first = *parts.front();
  size_t elem = dtype_size(first.dtype);
  size_t cols = first.shape.size() > 1 ? first.shape[1] : 1;
  size_t block = static_cast<size_t>(hidden) * cols * elem;  // one gate's bytes
  auto buffer = std::make_shared<std::string>();
  for (const auto* p : parts)
    for (size_t g = 0; g < gates; ++g)
      buffer->append(static_cast<const char*>(p->data) + kind.gate_order[g] * block, block);
  TensorData out;
  out.dtype = first.dtype;
  int64_t rows = static_cast<int64_t>(gates) * hidden;
  int64_t n = static_cast<int64_t>(parts.size());
  out.shape = bias_pairs ? std::vector<int64_t>{n / 2, 2 * rows} : std::vector<int64_t>{n, rows, static_cast<int64_t>(cols)};
  out.data = buffer->data();
  out.nbytes = buffer->size();
  out.owner = buffer;
  return out;
}

std::string transpose(EmitContext& cx, const std::string& x, const std::vector<int64_t>& perm) {
  std::string out = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {x}, {out}), "perm", perm);
  return out;
}

// lstm.input(input, hx[], params[], has_biases, num_layers, dropout, train, bidirectional, batch_first)
// gru.input(input, hx, params[], has_biases, num_layers, dropout, train, bidirectional, batch_first)
void emit_rnn(EmitContext& cx, const RnnKind& kind) {
  if (cx.entry().overload != "input") throw cx.error("only the dense-input overload is supported (no packed sequences)");
  bool has_biases = cx.bool_arg(3), bidirectional = cx.bool_arg(7), batch_first = cx.bool_arg(8);
  int64_t layers = cx.int_arg(4);
  if (cx.bool_arg(6)) throw cx.error("training mode is not supported; export the model in eval mode");
  const auto& params = cx.arg(2).elements;
  int64_t dirs = bidirectional ? 2 : 1;
  size_t per_dir = has_biases ? 4 : 2;
  if (params.size() != static_cast<size_t>(layers * dirs) * per_dir)
    throw cx.error("expected " + std::to_string(layers * dirs * per_dir) + " weight tensors, got " + std::to_string(params.size()));
  auto weight = [&](size_t k) -> const TensorData& {
    const TensorData* data = cx.constant_data(params[k]);
    if (!data) throw cx.error("weights must be constant (parameters), not computed from the inputs");
    return *data;
  };
  if (weight(1).shape.size() != 2 || cx.trace_value(params[0]).shape.size() != 2) throw cx.error("weights must be 2-d (no projections)");
  int64_t hidden = weight(1).shape[1];
  if (weight(1).shape[0] != static_cast<int64_t>(kind.gate_order.size()) * hidden)
    throw cx.error("LSTM projections (proj_size) are not supported");

  // Initial states: LSTM passes [h0, c0] as a list, GRU h0 as a tensor; [layers*dirs, batch, hidden].
  std::vector<std::string> states;
  if (kind.hidden_inputs == 2)
    states = cx.tensor_list(1);
  else
    states = {cx.tensor(1)};

  std::string x = cx.tensor(0);
  if (batch_first) x = transpose(cx, x, {1, 0, 2});
  std::vector<std::vector<std::string>> finals(kind.hidden_inputs);
  for (int64_t l = 0; l < layers; ++l) {
    std::vector<const TensorData*> w, r, b;
    for (int64_t d = 0; d < dirs; ++d) {
      size_t base = static_cast<size_t>((l * dirs + d)) * per_dir;
      w.push_back(&weight(base));
      r.push_back(&weight(base + 1));
      if (has_biases) b.insert(b.end(), {&weight(base + 2), &weight(base + 3)});
    }
    std::vector<std::string> ins{x, cx.initializer("W", relayout(w, kind, hidden, false)),
                                 cx.initializer("R", relayout(r, kind, hidden, false)),
                                 has_biases ? cx.initializer("B", relayout(b, kind, hidden, true)) : std::string(), ""};
    for (const auto& s : states)
      ins.push_back(cx.apply("Slice", {s, cx.const_ints({l * dirs}), cx.const_ints({(l + 1) * dirs}), cx.const_ints({0})}, false));
    std::vector<std::string> outs{cx.fresh(kind.op), cx.fresh(kind.op)};
    if (kind.hidden_inputs == 2) outs.push_back(cx.fresh(kind.op));
    auto* n = cx.node(kind.op, ins, outs);
    set_attr(n, "hidden_size", hidden);
    set_attr(n, "direction", std::string(bidirectional ? "bidirectional" : "forward"));
    if (kind.hidden_inputs == 1) set_attr(n, "linear_before_reset", static_cast<int64_t>(1));
    // Y is [seq, dirs, batch, hidden]; the next layer wants [seq, batch, dirs * hidden].
    x = cx.apply("Reshape", {transpose(cx, outs[0], {0, 2, 1, 3}), cx.const_ints({0, 0, -1})}, false);
    for (size_t s = 0; s < kind.hidden_inputs; ++s) finals[s].push_back(outs[s + 1]);
  }
  if (batch_first) x = transpose(cx, x, {1, 0, 2});
  cx.set_output(0, x);
  for (size_t s = 0; s < kind.hidden_inputs; ++s) {
    std::string h = finals[s].size() == 1 ? finals[s][0] : cx.fresh("Concat");
    if (finals[s].size() > 1) set_attr(cx.helper("Concat", finals[s], {h}), "axis", static_cast<int64_t>(0));
    cx.set_output(s + 1, h);
  }
}

void emit_lstm(EmitContext& cx) { emit_rnn(cx, kLstm); }
void emit_gru(EmitContext& cx) { emit_rnn(cx, kGru); }

}  // namespace

MX_OPS({
    {"aten::lstm", 14, emit_lstm},
    {"aten::gru", 14, emit_gru},
})

}  // namespace mx
