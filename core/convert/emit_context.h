// What an emitter sees: the traced op's arguments, and ways to add ONNX nodes for it.
// Emitters open with a bind-or-fail block (read and check every argument they need,
// throwing error() for what they do not handle), then emit.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "convert/onnx_graph.h"
#include "convert/node_attrs.h"
#include "convert/op_registry.h"
#include "model/trace.h"

namespace mx {

class EmitContext {
 public:
  EmitContext(GraphBuilder& g, int64_t entry_index, const OpEntry& op);

  int opset() const { return g_.opset(); }
  const OpEntry& op() const { return op_; }
  const TraceEntry& entry() const { return entry_; }

  // "aten::add.Tensor in module 'layer1.0' (BasicBlock)" for messages.
  std::string where() const;
  // An error prefixed with where().
  Error error(const std::string& why) const;

  size_t arg_count() const { return entry_.inputs.size(); }
  const Value& arg(size_t i) const;
  bool is_none(size_t i) const;
  int64_t int_arg(size_t i) const;
  double double_arg(size_t i) const;  // ints and bools are accepted
  bool bool_arg(size_t i) const;
  std::vector<int64_t> ints_arg(size_t i) const;  // a single int becomes a one-element list
  std::string string_arg(size_t i) const;
  // Int or int-list argument i as an ONNX int64 tensor (1-d; `as_scalar`: 0-d for an Int):
  // a constant when static, computed in the graph when it depends on a dynamic axis.
  // minus_one_to_one turns constant -1 entries into 1 (for Expand, where 1 keeps the dim).
  std::string ints_input(size_t i, bool minus_one_to_one = false);
  std::string int_input(size_t i, bool as_scalar = false);
  // True if argument i is computed from the size of a dynamic axis.
  bool is_shape_dynamic(size_t i) const;
  // Tensor argument i: per dim, "" if static, else the dynamic dim's label (dim_param).
  const std::vector<std::string>& dim_labels(size_t i) const;
  // Some graph input has a dynamic axis (--dynamic): any dim computed from it may change.
  bool has_dynamic_axes() const;
  // `v` with one value per spatial dim: a single value is repeated, as PyTorch does.
  std::vector<int64_t> per_dim(std::vector<int64_t> v, size_t n, const char* what) const;

  // ONNX name of tensor argument i; a number becomes a scalar constant of `as` (or of its own type).
  std::string tensor(size_t i);
  // Tensor argument i converted to `dtype` (Cast added where needed).
  std::string tensor_as(size_t i, DType dtype);
  const Value& out(size_t i = 0) const;
  // Any value of the trace by id (e.g. an element of a list argument).
  const Value& trace_value(int64_t id) const;
  // The bytes of trace value `id` if it is a constant of the graph, else null.
  const TensorData* constant_data(int64_t id) const;
  // Raw bytes of one number of `dtype`; throws for types without a byte encoder here.
  std::string scalar_bytes(double value, DType dtype) const;
  // ONNX names of the tensors in list argument i (e.g. aten::cat's tensors); with
  // allow_none, None elements (aten::index's unindexed dims) give "".
  std::vector<std::string> tensor_list(size_t i, bool allow_none = false);
  // Rank of tensor argument i.
  size_t rank(size_t i) const { return arg(i).shape.size(); }
  // `d` as a dim in [0, rank); negative dims count from the end. Throws if out of range.
  int64_t norm_dim(int64_t d, size_t rank) const;

  // Fused ops: the entry of the part of this op that reads parameter argument i (the
  // submodule owning it, see TraceEntry::part_of), or this op's own entry. Nodes added after
  // use_entry(e) belong to entry e, so they are named and tagged in that submodule.
  int64_t part_entry(size_t i) const;
  void use_entry(int64_t entry) { node_entry_ = entry; }

  // Adds a node that computes the op; returns it for attributes.
  onnx::NodeProto* node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs);
  // Adds a helper node (constants, casts, reshapes the op needs but does not itself compute).
  onnx::NodeProto* helper(const std::string& op_type, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs);
  // Adds op_type(inputs) with one fresh output (a helper node unless primary); returns
  // the output's name.
  std::string apply(const std::string& op_type, const std::vector<std::string>& inputs, bool primary = true);
  // A fresh value name in this op's scope.
  std::string fresh(const std::string& hint);
  // A Constant node holding ints (1-d, or a scalar when scalar=true).
  std::string const_ints(const std::vector<int64_t>& values, bool scalar = false);
  // A Constant node holding one number of `dtype`.
  std::string const_scalar(double value, DType dtype);
  std::string cast(const std::string& name, DType from, DType to);

  // Binds output i of the op to ONNX value `name` (which may be an input's, for ops that
  // change nothing, such as eval-mode dropout).
  void set_output(size_t i, const std::string& name);
  // Binds the elements of list output i (e.g. aten::chunk's pieces) to `names`.
  void set_list_output(size_t i, const std::vector<std::string>& names);
  // A new initializer holding `data`, owned by this op's module (e.g. re-laid-out weights).
  std::string initializer(const std::string& hint, const TensorData& data);

 private:
  GraphBuilder& g_;
  int64_t index_;
  int64_t node_entry_;  // the entry new nodes belong to (index_ unless use_entry changed it)
  const TraceEntry& entry_;
  const OpEntry& op_;
};

}  // namespace mx
