// In-place writes through chains of views of computed tensors, carried into the trace.
//
// Why: the trace is single-assignment. MViT's `attn[:, :, 1:, 1:] += rel` runs aten::add_ on
// a slice of a slice of attn; later reads name attn's value from before the write. So after
// the write, each tensor up the view chain gets a new value, recorded as an
// aten::slice_scatter / aten::select_scatter entry (the view's own arguments, the written
// value as `src`) in the module that wrote, and reads of the old value are resolved to it
// (resolved()). Views of it taken before the write and read after are taken anew from the
// new value (view_anew). torch.onnx.export does the same through index_put in
// _jit_pass_onnx_remove_inplace_ops_for_onnx. Other views (transpose, view, as_strided, ...)
// are not carried: a read of the tensor they came from is refused (write_tracker.h).
#include <limits>

#include "torch/interpreter.h"

namespace mx {
namespace {

bool carried_view(const TraceEntry& e) {
  return (e.op == "aten::slice" && e.inputs.size() == 5) || (e.op == "aten::select" && e.inputs.size() == 3) ||
         (e.op == "aten::narrow" && e.inputs.size() == 4);
}

// The entry that made `id` as a carried view of its input 0, or null.
const TraceEntry* view_entry(const Trace& trace, int64_t id) {
  int64_t p = trace.values[id].producer;
  if (p < 0) return nullptr;
  const auto& e = trace.entries[p];
  return carried_view(e) && e.outputs.size() == 1 && e.outputs[0] == id ? &e : nullptr;
}

}  // namespace

int64_t Interpreter::as_view(int64_t id) const {
  for (auto it = viewed_as_.find(id); it != viewed_as_.end(); it = viewed_as_.find(id)) id = it->second;
  return id;
}

std::string Interpreter::view_source(int64_t id) const {
  id = as_view(id);
  for (const TraceEntry* e = view_entry(trace_, id); e; e = view_entry(trace_, id)) id = as_view(e->inputs[0]);
  int64_t p = trace_.values[id].producer;
  return p < 0 ? "" : trace_.entries[p].op;
}

int64_t Interpreter::record_entry(TraceEntry entry, const c10::IValue& out, int64_t named_as) {
  auto index = static_cast<int64_t>(trace_.entries.size());
  int64_t id = new_value(out, nullptr, index);
  trace_.values[id].debug_name = trace_.values[named_as].debug_name;
  entry.outputs = {id};
  trace_.entries.push_back(std::move(entry));
  if (!is_dynamic(id)) fold(id);
  rt_[id] = c10::IValue();  // ops read the runtime of the IR value they are bound to (run_op), which holds the memory
  return id;
}

void Interpreter::write_back(int64_t view, int64_t written, const at::Tensor& memory, const Stack& stack) {
  view = as_view(view);
  viewed_as_[written] = view;
  for (const TraceEntry* made = view_entry(trace_, view); made; made = view_entry(trace_, view)) {
    TraceEntry e;  // built before `made` is invalidated by the entries growing
    e.module_stack = stack;
    int64_t base = resolved(made->inputs[0]);
    const auto* region = writes_.region(base);
    // Constants written into a folded tensor leave it a constant: current() recaptures it.
    if (!region || (trace_.values[base].is_constant_tensor() && trace_.values[written].is_constant_tensor())) return;
    e.inputs = {base, written, made->inputs[1]};
    if (made->op == "aten::select") {
      e.op = "aten::select_scatter";
      e.inputs.push_back(made->inputs[2]);
    } else if (made->op == "aten::slice") {
      e.op = "aten::slice_scatter";
      e.inputs.insert(e.inputs.end(), made->inputs.begin() + 2, made->inputs.end());
    } else {  // narrow(self, dim, start, length): slice [start, start + length), start counted from the end if < 0
      const auto &start = trace_.values[made->inputs[2]], &length = trace_.values[made->inputs[3]];
      if (start.kind != Value::Kind::Int || length.kind != Value::Kind::Int) return;  // narrow.Tensor: not carried
      auto rank = static_cast<int64_t>(trace_.values[base].shape.size());
      int64_t dim = trace_.values[made->inputs[1]].i;
      int64_t from = start.i < 0 ? start.i + trace_.values[base].shape.at(dim < 0 ? dim + rank : dim) : start.i;
      e.op = "aten::slice_scatter";
      for (int64_t k : {from, from + length.i, int64_t{1}}) e.inputs.push_back(constant(c10::IValue(k), nullptr));
    }
    view = as_view(made->inputs[0]);  // the next level up is the view's own base as it was made
    int64_t now = record_entry(std::move(e), memory.as_strided(region->sizes, region->strides, region->offset), base);
    written_as_[base] = now;
    viewed_as_[now] = view;
    written = now;
  }
}

int64_t Interpreter::view_anew(int64_t id, const c10::IValue& now, const std::string& reader, int64_t module) {
  const TraceEntry* made = view_entry(trace_, as_view(id));
  const auto* region = made ? writes_.region(made->inputs[0]) : nullptr;
  if (!region || !now.isTensor()) return -1;
  TraceEntry e = *made;
  auto base_now = now.toTensor().as_strided(region->sizes, region->strides, region->offset);
  int64_t base = current(resolved(e.inputs[0]), base_now, reader, module);
  if (base == e.inputs[0]) return -1;  // the tensor it views has no newer value: the write was not carried
  e.inputs[0] = base;
  e.outputs.clear();
  int64_t anew = record_entry(std::move(e), now, id);
  written_as_[id] = anew;
  return anew;
}

}  // namespace mx
