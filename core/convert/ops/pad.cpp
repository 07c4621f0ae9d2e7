// Padding: pad (constant, reflect, replicate, circular), constant_pad_nd, reflection_pad*,
// replication_pad*. PyTorch lists (begin, end) pairs from the last dim
// backwards; ONNX's Pad wants all begins then all ends, first dim first.
#include <limits>

#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

// The ONNX pads tensor for rank `rank` from the torch pad list in argument i.
std::string onnx_pads(EmitContext& cx, size_t i, size_t rank) {
  if (!cx.is_shape_dynamic(i)) {
    auto pad = cx.ints_arg(i);
    if (pad.size() % 2 != 0 || pad.size() / 2 > rank)
      throw cx.error("pad has " + std::to_string(pad.size()) + " values for a tensor of " + std::to_string(rank) +
                     " dims (expected an even number, at most " + std::to_string(2 * rank) + ")");
    std::vector<int64_t> pads(2 * rank, 0);
    for (size_t k = 0; k < pad.size() / 2; ++k) {
      pads[rank - 1 - k] = pad[2 * k];
      pads[2 * rank - 1 - k] = pad[2 * k + 1];
    }
    return cx.const_ints(pads);
  }
  // Computed from a dynamic axis: pairs reversed, transposed to (begins, ends), zeros in front.
  size_t k = cx.ints_arg(i).size() / 2;
  std::string pairs = cx.apply("Reshape", {cx.ints_input(i), cx.const_ints({-1, 2})}, false);
  std::string reversed = cx.apply("Slice", {pairs, cx.const_ints({-1}), cx.const_ints({std::numeric_limits<int64_t>::min()}),
                                            cx.const_ints({0}), cx.const_ints({-1})},
                                  false);
  std::string rows = cx.fresh("Transpose");
  set_attr(cx.helper("Transpose", {reversed}, {rows}), "perm", std::vector<int64_t>{1, 0});
  std::string full = rows;
  if (rank > k) {
    std::string zeros = cx.const_ints(std::vector<int64_t>(2 * (rank - k), 0));
    full = cx.fresh("Concat");
    set_attr(cx.helper("Concat", {cx.apply("Reshape", {zeros, cx.const_ints({2, -1})}, false), rows}, {full}), "axis",
             static_cast<int64_t>(1));
  }
  return cx.apply("Reshape", {full, cx.const_ints({-1})}, false);
}

void pad_node(EmitContext& cx, const std::string& mode, int value_arg) {
  std::vector<std::string> inputs{cx.tensor(0), onnx_pads(cx, 1, cx.rank(0))};
  if (mode == "constant" && value_arg >= 0 && value_arg < static_cast<int>(cx.arg_count()) && !cx.is_none(value_arg))
    inputs.push_back(cx.tensor_as(value_arg, cx.arg(0).dtype));
  std::string out = cx.fresh("Pad");
  set_attr(cx.node("Pad", inputs, {out}), "mode", mode);
  cx.set_output(0, out);
}

// Circular padding: each padded dim takes its own end before it and its start after it.
void pad_circular(EmitContext& cx) {
  auto pad = cx.ints_arg(1);
  size_t rank = cx.rank(0);
  if (pad.size() % 2 != 0 || pad.size() / 2 > rank) throw cx.error("pad does not fit the tensor's dims");
  std::string x = cx.tensor(0);
  for (size_t k = 0; k < pad.size() / 2; ++k) {
    int64_t dim = static_cast<int64_t>(rank - 1 - k), before = pad[2 * k], after = pad[2 * k + 1];
    if (before < 0 || after < 0) throw cx.error("negative circular padding is not supported");
    if (before > cx.arg(0).shape[dim] || after > cx.arg(0).shape[dim])
      throw cx.error("circular padding is larger than the dim it wraps");
    std::vector<std::string> parts;
    if (before > 0)
      parts.push_back(cx.apply("Slice", {x, cx.const_ints({-before}), cx.const_ints({std::numeric_limits<int64_t>::max()}),
                                         cx.const_ints({dim})},
                               false));
    parts.push_back(x);
    if (after > 0)
      parts.push_back(cx.apply("Slice", {x, cx.const_ints({0}), cx.const_ints({after}), cx.const_ints({dim})}, false));
    if (parts.size() == 1) continue;
    std::string out = cx.fresh("Concat");
    set_attr(cx.node("Concat", parts, {out}), "axis", dim);
    x = out;
  }
  cx.set_output(0, x);
}

// pad(self, pad, mode='constant', value=None)
void emit_pad(EmitContext& cx) {
  std::string mode = cx.arg_count() > 2 && !cx.is_none(2) ? cx.string_arg(2) : "constant";
  if (mode == "constant") return pad_node(cx, "constant", 3);
  if (cx.arg_count() > 3 && !cx.is_none(3) && cx.double_arg(3) != 0.0)
    throw cx.error("a fill value is only used with mode='constant', got mode='" + mode + "'");
  if (mode == "reflect") return pad_node(cx, "reflect", -1);
  if (mode == "replicate") return pad_node(cx, "edge", -1);
  if (mode == "circular") return pad_circular(cx);
  throw cx.error("unknown padding mode '" + mode + "' (expected constant, reflect, replicate or circular)");
}

// constant_pad_nd(self, pad, value=0)
void emit_constant_pad_nd(EmitContext& cx) { pad_node(cx, "constant", 2); }
void emit_reflection_pad(EmitContext& cx) { pad_node(cx, "reflect", -1); }
void emit_replication_pad(EmitContext& cx) { pad_node(cx, "edge", -1); }

}  // namespace

MX_OPS({
    {"aten::pad", 14, emit_pad},
    {"aten::constant_pad_nd", 14, emit_constant_pad_nd},
    {"aten::reflection_pad1d", 14, emit_reflection_pad},
    {"aten::reflection_pad2d", 14, emit_reflection_pad},
    {"aten::reflection_pad3d", 14, emit_reflection_pad},
    {"aten::replication_pad1d", 14, emit_replication_pad},
    {"aten::replication_pad2d", 14, emit_replication_pad},
    {"aten::replication_pad3d", 14, emit_replication_pad},
})

}  // namespace mx
