// --check: a meta trace against the real one (see trace_compare.h).
#include "model/trace_compare.h"

#include <cstring>
#include <string>

#include "base/error.h"

namespace mx {
namespace {

std::string dims(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

bool same_bytes(const TensorData* a, const TensorData* b) {
  if (!a || !b) return a == b;
  return a->dtype == b->dtype && a->shape == b->shape && a->nbytes == b->nbytes &&
         (a->nbytes == 0 || std::memcmp(a->data, b->data, a->nbytes) == 0);
}

// What differs between two records of one value, or "".
std::string difference(const Value& m, const Value& r) {
  if (m.kind != r.kind) return "its kind";
  if (m.dtype != r.dtype) return std::string("dtype ") + dtype_name(m.dtype) + " instead of " + dtype_name(r.dtype);
  if (m.shape != r.shape) return "shape " + dims(m.shape) + " instead of " + dims(r.shape);
  if (m.i != r.i || m.ints != r.ints || m.s != r.s || m.elements != r.elements || m.module != r.module)
    return "its value";
  if (m.d != r.d && !(m.d != m.d && r.d != r.d)) return "its value";
  if (m.doubles.size() != r.doubles.size() ||
      (!m.doubles.empty() && std::memcmp(m.doubles.data(), r.doubles.data(), m.doubles.size() * sizeof(double))))
    return "its value";
  if ((m.data == nullptr) != (r.data == nullptr)) return m.data ? "a constant where the real trace has none" : "not a constant";
  if (!same_bytes(m.data.get(), r.data.get())) return "the bytes of the constant";
  return "";
}

}  // namespace

void check_meta_trace(const Trace& meta, const Trace& real) {
  const std::string head = "--check: the meta trace of '" + meta.model_path + "' differs from the real one";
  size_t n = std::min(meta.entries.size(), real.entries.size());
  for (size_t e = 0; e < n; ++e) {
    const auto& m = meta.entries[e];
    const auto& r = real.entries[e];
    std::string at = " at " + r.op + " in module '" + real.module_label(r.module()) + "'";
    if (m.op != r.op || m.inputs != r.inputs || m.outputs != r.outputs || m.module_stack != r.module_stack)
      throw Error(head + at + ": the meta trace runs " + m.op + " there");
    for (size_t k = 0; k < r.outputs.size(); ++k) {
      int64_t id = r.outputs[k];
      std::string why = difference(meta.values.at(id), real.values.at(id));
      if (!why.empty())
        throw Error(head + at + ": output " + std::to_string(k) + " ('" + real.values[id].debug_name + "') has " + why);
    }
  }
  if (meta.entries.size() != real.entries.size() || meta.values.size() != real.values.size())
    throw Error(head + ": it has " + std::to_string(meta.entries.size()) + " ops instead of " +
                std::to_string(real.entries.size()));
  for (size_t id = 0; id < real.values.size(); ++id) {  // constants, parameters, inputs
    std::string why = difference(meta.values[id], real.values[id]);
    if (!why.empty()) throw Error(head + ": value '" + real.values[id].debug_name + "' has " + why);
  }
  if (meta.outputs != real.outputs || meta.control_flow.size() != real.control_flow.size())
    throw Error(head + ": its outputs or control flow differ");
  for (size_t i = 0; i < real.control_flow.size(); ++i)
    if (meta.control_flow[i].taken != real.control_flow[i].taken)
      throw Error(head + ": the " + real.control_flow[i].construct + " went another way");
}

}  // namespace mx
