// Builds the ONNX graph with PyTorch's naming convention and node provenance.
#include "convert/onnx_graph.h"

#include "base/error.h"
#include "tags/unqualified_name.h"

namespace mx {
namespace {

// Type and shape of a graph input or output; dynamic dims get their label (dim_param).
void set_value_info(onnx::ValueInfoProto& info, const std::string& name, const Value& v,
                    const std::vector<std::string>& dim_labels) {
  info.set_name(name);
  auto* tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(static_cast<int32_t>(v.dtype));
  auto* dims = tensor->mutable_shape();
  for (size_t d = 0; d < v.shape.size(); ++d) {
    if (d < dim_labels.size() && !dim_labels[d].empty())
      dims->add_dim()->set_dim_param(dim_labels[d]);
    else
      dims->add_dim()->set_dim_value(v.shape[d]);
  }
}

}  // namespace

GraphBuilder::GraphBuilder(const Trace& trace, const DynamicMarks& dynamic, int opset)
    : trace_(trace), dynamic_(dynamic), opset_(opset) {}

std::string GraphBuilder::scope_of(int64_t entry) const {
  std::string scope;
  if (entry < 0) return scope;
  for (auto m : trace_.entries[entry].module_stack)
    if (m > 0) scope += "/" + unqualified_name(trace_.modules[m].path);
  return scope;
}

onnx::NodeProto* GraphBuilder::add_node(const std::string& op_type, const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs, NodeOrigin origin) {
  std::string base = scope_of(origin.trace_entry) + "/" + op_type;
  int& count = node_name_counts_[base];
  std::string name = count == 0 ? base : base + "_" + std::to_string(count);
  ++count;
  auto* node = graph().add_node();
  node->set_name(name);
  node->set_op_type(op_type);
  for (const auto& i : inputs) node->add_input(i);
  for (const auto& o : outputs) node->add_output(o);
  model_.origins.push_back(origin);
  return node;
}

std::string GraphBuilder::fresh_name(int64_t entry, const std::string& hint) {
  std::string base = scope_of(entry) + "/" + hint + "_output_";
  // Names are never released, so every index below the base's next one is taken: starting
  // there gives the lowest free index, as a search from 0 would, without 20000 Adds in one
  // scope costing 20000^2/2 lookups.
  int& next = next_fresh_index_[base];
  for (;; ++next) {
    std::string name = base + std::to_string(next);
    if (value_names_.insert(name).second) {
      ++next;
      return name;
    }
  }
}

std::string GraphBuilder::name_of(int64_t id) {
  if (auto it = names_.find(id); it != names_.end()) return it->second;
  const auto& v = trace_.values.at(id);
  const TensorData* data = constant_data(trace_, dynamic_, id);
  if (!data) return "";
  std::string name = v.param_name;
  if (name.empty() || !value_names_.insert(name).second) {
    name = fresh_name(v.producer, "Constant");
  }
  add_initializer(name, *data, v.owner_module);
  names_[id] = name;
  return name;
}

std::string GraphBuilder::add_initializer(const std::string& name, const TensorData& data, int64_t owner) {
  value_names_.insert(name);
  model_.add_initializer(name, data, owner);
  return name;
}

void GraphBuilder::bind(int64_t id, const std::string& name, int64_t entry) {
  auto reserved = output_names_.find(id);
  if (reserved != output_names_.end() && graph().node_size() > 0) {
    // Rename the producing node's output in place if this entry just made it.
    auto& nodes = *graph().mutable_node();
    for (int n = nodes.size() - 1; n >= 0 && model_.origins[n].trace_entry == entry; --n) {
      for (auto& out : *nodes[n].mutable_output()) {
        if (out != name) continue;
        for (int k = n + 1; k < nodes.size(); ++k)
          for (auto& in : *nodes[k].mutable_input())
            if (in == name) in = reserved->second;
        out = reserved->second;
        names_[id] = reserved->second;
        output_names_.erase(reserved);
        return;
      }
    }
  }
  names_[id] = name;
}

void GraphBuilder::declare_inputs_and_outputs(const std::vector<std::string>& output_names) {
  for (const auto& input : trace_.inputs) {
    const auto& v = trace_.values[input.value];
    set_value_info(*graph().add_input(), input.name, v, dynamic_.labels(input.value));
    names_[input.value] = input.name;
    value_names_.insert(input.name);
  }
  for (size_t k = 0; k < trace_.outputs.size(); ++k) {
    value_names_.insert(output_names[k]);
    output_names_.emplace(trace_.outputs[k], output_names[k]);  // first occurrence wins
  }
}

ConvertedModel GraphBuilder::finish(const std::vector<std::string>& output_names) {
  for (size_t k = 0; k < trace_.outputs.size(); ++k) {
    int64_t id = trace_.outputs[k];
    const auto& v = trace_.values[id];
    std::string name = name_of(id);
    const std::string& wanted = output_names[k];
    // An output that is a graph input, a constant, or returned twice needs its own node.
    if (name != wanted) {
      NodeOrigin origin{v.producer, false};
      add_node("Identity", {name}, {wanted}, origin);
    }
    set_value_info(*graph().add_output(), wanted, v, dynamic_.labels(id));
  }
  for (const auto& [id, name] : names_) model_.value_ids.emplace(name, id);
  auto& model = model_.model;
  model.set_ir_version(8);
  model.set_producer_name("modelexport");
  model.set_producer_version("0.1.0");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(opset_);
  graph().set_name(trace_.modules.at(0).class_name);
  return std::move(model_);
}

}  // namespace mx
