// aten::_convolution (what torch.jit.trace records) and aten::conv1d/2d/3d -> Conv / ConvTranspose.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {
namespace {

struct ConvArgs {
  std::vector<int64_t> stride, padding, dilation, output_padding;
  bool transposed = false;
  int64_t groups = 1;
  std::string auto_pad;  // "" or "same"/"valid" from conv*d.padding
};

void emit_conv_common(EmitContext& cx, ConvArgs a) {
  const auto& input = cx.arg(0);
  const auto& weight = cx.arg(1);
  if (!input.is_tensor() || !weight.is_tensor()) throw cx.error("input and weight must be tensors");
  if (weight.shape.size() < 3) throw cx.error("weight must have at least 3 dims");
  size_t spatial = weight.shape.size() - 2;
  a.stride = cx.per_dim(a.stride, spatial, "stride");
  a.dilation = cx.per_dim(a.dilation, spatial, "dilation");
  if (a.auto_pad.empty()) a.padding = cx.per_dim(a.padding, spatial, "padding");
  if (input.shape.size() != spatial + 2)
    throw cx.error("unbatched input (rank " + std::to_string(input.shape.size()) +
                   ") is not supported; add a batch dim");
  if (a.auto_pad == "same" && a.transposed) throw cx.error("padding='same' with a transposed convolution");

  std::vector<std::string> inputs{cx.tensor_as(0, cx.out().dtype), cx.tensor_as(1, cx.out().dtype)};
  if (!cx.is_none(2)) inputs.push_back(cx.tensor_as(2, cx.out().dtype));
  std::string op = a.transposed ? "ConvTranspose" : "Conv";
  std::string out = cx.fresh(op);
  auto* n = cx.node(op, inputs, {out});
  std::vector<int64_t> kernel(weight.shape.begin() + 2, weight.shape.end());
  set_attr(n, "kernel_shape", kernel);
  set_attr(n, "strides", a.stride);
  set_attr(n, "dilations", a.dilation);
  set_attr(n, "group", a.groups);
  std::vector<int64_t> begin = a.padding, end = a.padding;
  if (a.auto_pad == "valid") {
    begin.assign(spatial, 0);
    end = begin;
  } else if (a.auto_pad == "same") {
    // PyTorch allows 'same' only with stride 1: the total padding is dilation * (k - 1),
    // the odd element at the end. Explicit pads, as ONNX Runtime rejects dilated SAME_*.
    begin.clear();
    end.clear();
    for (size_t d = 0; d < spatial; ++d) {
      int64_t total = a.dilation[d] * (kernel[d] - 1);
      begin.push_back(total / 2);
      end.push_back(total - total / 2);
    }
  }
  begin.insert(begin.end(), end.begin(), end.end());
  set_attr(n, "pads", begin);
  if (a.transposed) {
    auto op_pad = cx.per_dim(a.output_padding, spatial, "output_padding");
    set_attr(n, "output_padding", op_pad);
  }
  cx.set_output(0, out);
}

// aten::_convolution(input, weight, bias, stride, padding, dilation, transposed,
//                    output_padding, groups, benchmark, deterministic, cudnn_enabled[, allow_tf32])
void emit_convolution(EmitContext& cx) {
  ConvArgs a;
  a.stride = cx.ints_arg(3);
  a.padding = cx.ints_arg(4);
  a.dilation = cx.ints_arg(5);
  a.transposed = cx.bool_arg(6);
  a.output_padding = cx.ints_arg(7);
  a.groups = cx.int_arg(8);
  emit_conv_common(cx, a);
}

// aten::conv{1,2,3}d(input, weight, bias, stride, padding, dilation, groups); padding may be a string.
void emit_convnd(EmitContext& cx) {
  ConvArgs a;
  a.stride = cx.ints_arg(3);
  if (cx.arg(4).kind == Value::Kind::String) {
    a.auto_pad = cx.string_arg(4);
    if (a.auto_pad != "same" && a.auto_pad != "valid") throw cx.error("unknown padding mode '" + a.auto_pad + "'");
  } else {
    a.padding = cx.ints_arg(4);
  }
  a.dilation = cx.ints_arg(5);
  a.groups = cx.int_arg(6);
  emit_conv_common(cx, a);
}

// aten::conv_transpose{1,2,3}d(input, weight, bias, stride, padding, output_padding, groups, dilation)
void emit_conv_transpose_nd(EmitContext& cx) {
  ConvArgs a;
  a.stride = cx.ints_arg(3);
  a.padding = cx.ints_arg(4);
  a.output_padding = cx.ints_arg(5);
  a.groups = cx.int_arg(6);
  a.dilation = cx.ints_arg(7);
  a.transposed = true;
  emit_conv_common(cx, a);
}

}  // namespace

// What conv*d with padding='same'/'valid' records: conv*d's arguments, padding a string.
MX_OPS({
    {"aten::_convolution", 11, emit_convolution},
    {"aten::convolution", 11, emit_convolution},  // _convolution's first nine arguments
    {"aten::conv_transpose1d", 11, emit_conv_transpose_nd},
    {"aten::conv_transpose2d", 11, emit_conv_transpose_nd},
    {"aten::conv_transpose3d", 11, emit_conv_transpose_nd},
    {"aten::conv1d", 11, emit_convnd},
    {"aten::conv2d", 11, emit_convnd},
    {"aten::conv3d", 11, emit_convnd},
    {"aten::_convolution_mode", 11, emit_convnd},
})

}  // namespace mx
