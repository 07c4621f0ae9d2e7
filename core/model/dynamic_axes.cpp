// Finding what depends on dynamic axes by comparing two traces (see dynamic_axes.h).
//
// Sources are sizes: a number that differs between the traces. From there it spreads
// through data flow: every result of an op that takes such a value depends on it too, even
// when the two traces happen to agree on it (size // 32 for sizes 224 and 225). A tensor
// computed from the graph inputs is dynamic anyway; a number taken from such a tensor
// (aten::size) is dynamic only if it differs, so static dims stay constants.
#include "model/dynamic_axes.h"

#include <boost/algorithm/string.hpp>

#include "base/checked_number.h"
#include "base/error.h"

namespace mx {
namespace {

bool is_number_like(const Value& v) {
  return v.kind == Value::Kind::Int || v.kind == Value::Kind::Double || v.kind == Value::Kind::Bool ||
         v.kind == Value::Kind::IntList || v.kind == Value::Kind::DoubleList || v.kind == Value::Kind::BoolList;
}

bool differs(const Value& a, const Value& b) {
  return a.kind != b.kind || a.i != b.i || a.d != b.d || a.ints != b.ints || a.doubles != b.doubles || a.shape != b.shape;
}

class Marker {
 public:
  Marker(const Trace& a, const Trace& b, DynamicMarks& marks) : a_(a), b_(b), marks_(marks) {
    marks_.shape_dynamic.assign(a.values.size(), 0);
  }

  bool any_shape_dynamic(int64_t id) const {
    if (marks_.shape_dynamic[id]) return true;
    for (auto e : a_.values[id].elements)
      if (any_shape_dynamic(e)) return true;
    return false;
  }

  // Marks a result of entry `entry`; `from_sizes`: an input depends on a dynamic size (a
  // tensor so marked is no longer a constant of the graph: see constant_data()).
  // List elements that are the op's inputs (prim::ListConstruct) keep their own marks.
  void mark_output(int64_t id, bool from_sizes, int64_t entry) {
    const auto& v = a_.values[id];
    char& mark = marks_.shape_dynamic[id];
    if (v.kind == Value::Kind::Tensor) {
      mark = from_sizes;
    } else if (is_number_like(v)) {
      mark = from_sizes || differs(v, b_.values[id]);
    }
    for (auto e : v.elements)
      if (a_.values[e].producer == entry) mark_output(e, from_sizes, entry);
    if (!v.elements.empty() && !mark) mark = any_shape_dynamic(id);
  }

  // A list of numbers no op produced (the interpreter's value of a list after xs.append(n),
  // s.insert(0, 1), ...) is dynamic when one of its items is, as a prim::ListConstruct's is.
  void mark_made_list(int64_t id) {
    const auto& v = a_.values[id];
    if (v.producer < 0 && is_number_like(v) && !v.elements.empty() && !marks_.shape_dynamic[id])
      marks_.shape_dynamic[id] = any_shape_dynamic(id);
  }

 private:
  const Trace& a_;
  const Trace& b_;
  DynamicMarks& marks_;
};

// Throws mx::Error unless the two traces ran the same ops.
void check_same_ops(const Trace& a, const Trace& b) {
  if (a.entries.size() != b.entries.size() || a.values.size() != b.values.size())
    throw Error("model '" + a.model_path + "': the traced graph changes with the size of the dynamic axes (" +
                std::to_string(a.entries.size()) + " vs " + std::to_string(b.entries.size()) +
                " ops): its forward has control flow that depends on a size, so it cannot be exported with --dynamic");
  for (size_t i = 0; i < a.entries.size(); ++i)
    if (a.entries[i].op != b.entries[i].op)
      throw Error("model '" + a.model_path + "': op " + std::to_string(i) + " is " + a.entries[i].op + " in one trace and " +
                  b.entries[i].op + " in the other: its forward depends on a size, so it cannot be exported with --dynamic");
}

// The first if or loop that went another way at the other sizes, named with its module:
// the construct the user has to look at.
void check_same_control_flow(const Trace& a, const Trace& b) {
  for (size_t i = 0; i < a.control_flow.size(); ++i) {
    const auto& c = a.control_flow[i];
    const ControlFlow* other = i < b.control_flow.size() ? &b.control_flow[i] : nullptr;
    if (other && other->construct == c.construct && other->taken == c.taken) continue;
    std::string what = !other || other->construct != c.construct ? "is reached in one trace and not the other"
                       : c.loop ? "runs " + std::to_string(c.taken) + " times at one size and " +
                                      std::to_string(other->taken) + " at the other"
                                : "takes another branch at the other size";
    throw Error("model '" + a.model_path + "': the " + c.construct + " in module '" + a.module_label(c.module) + "' (" +
                a.modules.at(c.module).class_name + ") " + what +
                " of the dynamic axes: its condition depends on a dynamic size, and ONNX If/Loop are not emitted, "
                "so it cannot be exported with --dynamic");
  }
}

// An if or loop that went the same way at both sizes but tested a value computed from a
// dynamic size (x.size(0) > 1 at batches 2 and 3): specialised, it would be wrong at others.
void check_no_dynamic_tests(const Trace& a, const Marker& marker) {
  for (const auto& c : a.control_flow)
    for (auto id : c.tested) {
      if (!marker.any_shape_dynamic(id)) continue;
      throw Error("model '" + a.model_path + "': the " + (c.loop ? "trip count or condition" : "condition") +
                  " of the " + c.construct + " in module '" + a.module_label(c.module) + "' (" +
                  a.modules.at(c.module).class_name +
                  ") depends on a dynamic size, and ONNX If/Loop are not emitted, so it cannot be exported with "
                  "--dynamic (without it, it is specialised to the example input)");
    }
}

}  // namespace

DynamicAxis parse_dynamic_axis(const std::string& text) {
  std::vector<std::string> parts;
  boost::split(parts, text, boost::is_any_of(":"));
  auto fail = [&](const std::string& why) {
    return Error("bad --dynamic '" + text + "': " + why + " (expected NAME:AXIS[:LABEL], e.g. x:0:batch)");
  };
  if (parts.size() < 2 || parts.size() > 3) throw fail("it has " + std::to_string(parts.size()) + " ':'-separated parts");
  DynamicAxis d;
  d.input = parts[0];
  if (parts[1].empty() || parts[1].find_first_not_of("0123456789") != std::string::npos)
    throw fail("axis '" + parts[1] + "' is not a non-negative whole number");
  auto axis = to_int64(parts[1], 0, 64);
  if (!axis) throw fail("axis '" + parts[1] + "' is out of range (0 to 64)");
  d.axis = *axis;
  d.label = parts.size() == 3 && !parts[2].empty() ? parts[2] : d.input + "_dim" + parts[1];
  return d;
}

std::vector<InputSpec> resized_inputs(const std::vector<InputSpec>& specs, const std::vector<DynamicAxis>& axes) {
  std::vector<InputSpec> out = specs;
  for (const auto& a : axes) {
    auto it = std::find_if(out.begin(), out.end(), [&](const InputSpec& s) { return s.name == a.input; });
    if (it == out.end()) throw Error("--dynamic names input '" + a.input + "', which no --input declares");
    if (a.axis >= static_cast<int64_t>(it->dims.size()))
      throw Error("--dynamic " + a.input + ":" + std::to_string(a.axis) + ": input '" + a.input + "' has only " +
                  std::to_string(it->dims.size()) + " dims");
    it->dims[a.axis] += 1;
  }
  return out;
}

DynamicMarks analyze_dynamic_axes(const Trace& a, const Trace& b, const std::vector<DynamicAxis>& axes) {
  check_same_control_flow(a, b);
  check_same_ops(a, b);
  DynamicMarks marks;
  marks.dim_labels.resize(a.values.size());
  // Labels: declared on the inputs; elsewhere a dim that follows an input's dynamic dim in
  // both traces takes its label.
  std::vector<std::pair<std::pair<int64_t, int64_t>, std::string>> known;  // (size in a, size in b) -> label
  for (const auto& d : axes) {
    for (const auto& in : a.inputs) {
      if (in.name != d.input) continue;
      const auto& v = a.values[in.value];
      auto& labels = marks.dim_labels[in.value];
      labels.resize(v.shape.size());
      labels[d.axis] = d.label;
      known.push_back({{v.shape[d.axis], b.values[in.value].shape[d.axis]}, d.label});
    }
  }
  Marker marker(a, b, marks);
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const auto& e = a.entries[i];
    bool from_sizes = false;
    for (auto in : e.inputs) {
      marker.mark_made_list(in);
      from_sizes = from_sizes || marker.any_shape_dynamic(in);
    }
    for (auto out : e.outputs) marker.mark_output(out, from_sizes, static_cast<int64_t>(i));
  }
  check_no_dynamic_tests(a, marker);
  int fresh = 0;
  for (size_t id = 0; id < a.values.size(); ++id) {
    const auto& v = a.values[id];
    auto& labels = marks.dim_labels[id];
    if (v.kind != Value::Kind::Tensor || !labels.empty()) continue;
    const auto& other = b.values[id].shape;
    if (other.size() != v.shape.size()) continue;
    for (size_t d = 0; d < v.shape.size(); ++d) {
      if (v.shape[d] == other[d]) continue;
      labels.resize(v.shape.size());
      std::string label;
      for (const auto& [sizes, name] : known)
        if (sizes.first == v.shape[d] && sizes.second == other[d]) label = name;
      labels[d] = label.empty() ? "dim_" + std::to_string(fresh++) : label;
    }
  }
  return marks;
}

}  // namespace mx
