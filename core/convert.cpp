// Walks the trace entries in order and lets the registry's emitters write ONNX nodes.
#include "convert.h"

#include "emit_context.h"
#include "error.h"

namespace mx {
namespace {

// Lists and tuples are seen through by the emitters that take them; nothing to emit.
bool is_structural(const std::string& op) {
  return op == "prim::ListConstruct" || op == "prim::TupleConstruct" || op == "prim::DictConstruct";
}

Error unsupported(const Trace& trace, const TraceEntry& e, const OpRegistry& registry, int opset) {
  int64_t m = e.module();
  std::string what = "unsupported operator " + e.op + " (overload '" + (e.overload.empty() ? "default" : e.overload) +
                     "') in module '" + trace.module_label(m) + "' (" + trace.modules[m].class_name + ")";
  auto entries = registry.all(e.op);
  if (!entries.empty())
    return Error(what + ": its converter needs opset " + std::to_string(entries.front()->since_opset) +
                 " or later, and opset " + std::to_string(opset) + " was asked for (--opset)");
  return Error(what + ": no converter is registered for it. If an ONNX op computes it as is, a strategy plugin can add " +
               "the row {aten: " + e.op + ", onnx: OpType} under `operators:` in its manifest; anything more needs a " +
               "C++ emitter in core/ops/");
}

}  // namespace

ConvertedModel convert(const Trace& trace, const OpRegistry& registry, const ConvertOptions& options) {
  if (options.opset < kMinOpset || options.opset > kMaxOpset)
    throw Error("opset " + std::to_string(options.opset) + " is not supported (supported: " +
                std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) + ")");
  GraphBuilder g(trace, options.opset);
  std::vector<std::string> output_names = options.output_names;
  if (!output_names.empty() && output_names.size() != trace.outputs.size())
    throw Error(std::to_string(output_names.size()) + " output names were given for " +
                std::to_string(trace.outputs.size()) + " outputs");
  for (size_t k = output_names.size(); k < trace.outputs.size(); ++k)
    output_names.push_back("output_" + std::to_string(k));
  g.declare_inputs_and_outputs(output_names);

  for (size_t i = 0; i < trace.entries.size(); ++i) {
    const auto& e = trace.entries[i];
    if (e.folded || is_structural(e.op)) continue;
    const OpEntry* op = registry.find(e.op, options.opset);
    if (!op) throw unsupported(trace, e, registry, options.opset);
    EmitContext cx(g, static_cast<int64_t>(i), *op);
    op->emit(cx);
    for (auto out : e.outputs)
      if ((trace.values[out].is_tensor() || trace.values[out].shape_dynamic) && trace.values[out].elements.empty() &&
          g.name_of(out).empty())
        throw cx.error("the converter (" + op->source + ") produced no ONNX value for output " +
                       trace.values[out].debug_name);
  }
  return g.finish(output_names);
}

}  // namespace mx
