// Walks the trace entries in order and lets the registry's emitters write ONNX nodes.
#include "convert/convert.h"

#include <algorithm>
#include <set>

#include "convert/emit_context.h"
#include "base/error.h"

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
  return Error(what +
               ": no converter is registered for it. If an ONNX op computes it as is, a strategy plugin can add " +
               "the row {aten: " + e.op + ", onnx: OpType} under `operators:` in its manifest; anything more needs a " +
               "C++ emitter in core/convert/ops/");
}

// The given names, checked against the traced outputs and inputs; output_0, ... if none.
std::vector<std::string> graph_output_names(const Trace& trace, const std::vector<std::string>& given) {
  check_names(given, "--output-names");
  size_t n = trace.outputs.size();
  if (given.empty()) {
    std::vector<std::string> names;
    for (size_t k = 0; k < n; ++k) names.push_back("output_" + std::to_string(k));
    return names;
  }
  if (given.size() != n)
    throw Error("--output-names gives " + std::to_string(given.size()) + " name(s) but the model has " +
                std::to_string(n) + " output(s) (tuple, list and dict outputs count one per tensor)");
  for (const auto& input : trace.inputs)
    if (std::find(given.begin(), given.end(), input.name) != given.end())
      throw Error("--output-names: '" + input.name + "' is already the name of a graph input");
  return given;
}

// The items of a list of numbers an op made, which the trace took apart (a scripted
// `b, c, w = x.shape`, `h, w = x.shape[-2:]`): each that follows a dynamic axis is a Gather
// from the list the graph computes; the others are constants where they are read.
void name_list_items(EmitContext& cx, GraphBuilder& g, const DynamicMarks& dynamic, int64_t entry) {
  for (auto out : cx.entry().outputs) {
    const auto& v = cx.trace().values[out];
    if (v.kind != Value::Kind::IntList || g.name_of(out).empty()) continue;
    for (size_t k = 0; k < v.elements.size(); ++k) {
      int64_t item = v.elements[k];
      if (cx.trace().values[item].producer != entry || !dynamic.is_shape_dynamic(item) || !g.name_of(item).empty())
        continue;
      std::string index = cx.const_ints({static_cast<int64_t>(k)}, true);
      g.bind(item, cx.apply("Gather", {g.name_of(out), index}, false), entry);
    }
  }
}

}  // namespace

void check_names(const std::vector<std::string>& names, const std::string& option) {
  std::set<std::string> seen;
  for (size_t k = 0; k < names.size(); ++k) {
    if (names[k].empty())
      throw Error(option + ": name " + std::to_string(k + 1) + " of " + std::to_string(names.size()) + " is empty");
    if (!seen.insert(names[k]).second)
      throw Error(option + ": '" + names[k] + "' is given twice (every graph input and output needs its own name)");
  }
}

ConvertedModel convert(const Trace& trace, const OpRegistry& registry, const ConvertOptions& options) {
  return convert(trace, DynamicMarks{}, registry, options);
}

ConvertedModel convert(const Trace& trace, const DynamicMarks& marks, const OpRegistry& registry,
                       const ConvertOptions& options) {
  const DynamicMarks dynamic = with_numbers_read_from_inputs(trace, marks);
  if (options.opset < kMinOpset || options.opset > kMaxOpset)
    throw Error("opset " + std::to_string(options.opset) + " is not supported (supported: " +
                std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) + ")");
  GraphBuilder g(trace, dynamic, options.opset);
  std::vector<std::string> output_names = graph_output_names(trace, options.output_names);
  g.declare_inputs_and_outputs(output_names);

  for (size_t i = 0; i < trace.entries.size(); ++i) {
    const auto& e = trace.entries[i];
    if (e.part_of >= 0 || is_folded(trace, dynamic, static_cast<int64_t>(i)) || is_structural(e.op)) continue;
    const OpEntry* op = registry.find(e.op, options.opset);
    if (!op) throw unsupported(trace, e, registry, options.opset);
    EmitContext cx(g, static_cast<int64_t>(i), *op);
    op->emit(cx);
    name_list_items(cx, g, dynamic, static_cast<int64_t>(i));
    for (auto out : e.outputs)
      if ((trace.values[out].is_tensor() || dynamic.is_shape_dynamic(out)) && trace.values[out].elements.empty() &&
          g.name_of(out).empty())
        throw cx.error("the converter (" + op->source + ") produced no ONNX value for output " +
                       trace.values[out].debug_name);
  }
  return g.finish(output_names);
}

}  // namespace mx
