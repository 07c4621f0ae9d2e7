// One-to-one rows: every argument is a tensor of the output's type, passed in order.
#include "convert/emit_context.h"
#include "convert/ops/ops.h"

namespace mx {

void emit_row(EmitContext& cx) {
  std::vector<std::string> inputs;
  for (size_t i = 0; i < cx.arg_count(); ++i) {
    const auto& a = cx.arg(i);
    if (!a.is_tensor())
      throw cx.error("the one-to-one row to " + cx.op().onnx_op + " (" + cx.op().source +
                     ") takes tensors only, but argument " + std::to_string(i) + " is not a tensor");
    if (a.dtype != cx.out().dtype)
      throw cx.error(std::string("the one-to-one row to ") + cx.op().onnx_op +
                     " keeps the element type, but argument " + std::to_string(i) + " is " + dtype_name(a.dtype) +
                     " and the result " + dtype_name(cx.out().dtype));
    inputs.push_back(cx.tensor(i));
  }
  std::vector<std::string> outputs;
  for (size_t i = 0; i < cx.entry().outputs.size(); ++i) outputs.push_back(cx.fresh(cx.op().onnx_op));
  cx.node(cx.op().onnx_op, inputs, outputs);
  for (size_t i = 0; i < outputs.size(); ++i) cx.set_output(i, outputs[i]);
}

}  // namespace mx
