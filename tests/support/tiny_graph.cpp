// Hand-made models for in-process plugin tests (see tiny_graph.h).
#include "tiny_graph.h"

namespace mx::test {

TinyGraph::TinyGraph(const std::string& root_class) {
  Module root;
  root.class_name = root_class;
  root.qualified_class = "__main__." + root_class;
  root.calls = 1;
  trace.modules.push_back(root);
  trace.model_path = "tiny.pt";
}

int64_t TinyGraph::module(int64_t parent, const std::string& attr, const std::string& class_name,
                          const std::string& qualified_class) {
  Module m;
  const auto& p = trace.modules.at(parent);
  m.path = p.path.empty() ? attr : p.path + "." + attr;
  m.attr = attr;
  m.class_name = class_name;
  m.qualified_class = qualified_class.empty() ? "tests." + class_name : qualified_class;
  m.parent = parent;
  m.calls = 1;
  int64_t index = static_cast<int64_t>(trace.modules.size());
  trace.modules.push_back(m);
  trace.modules[parent].children.push_back(index);
  return index;
}

int64_t TinyGraph::entry(int64_t module, const std::string& op) {
  TraceEntry e;
  e.op = op;
  for (int64_t m = module; m >= 0; m = trace.modules[m].parent) e.module_stack.insert(e.module_stack.begin(), m);
  trace.entries.push_back(e);
  return static_cast<int64_t>(trace.entries.size()) - 1;
}

void TinyGraph::input(const std::string& name) { model.model.mutable_graph()->add_input()->set_name(name); }

void TinyGraph::initializer(const std::string& name, int64_t owner) {
  auto* init = model.model.mutable_graph()->add_initializer();
  init->set_name(name);
  init->set_data_type(1);
  init->add_dims(1);
  init->add_float_data(0.f);
  if (owner >= 0) model.initializer_owner[name] = owner;
}

void TinyGraph::output(const std::string& name) { model.model.mutable_graph()->add_output()->set_name(name); }

int TinyGraph::node(const std::string& op_type, const std::vector<std::string>& inputs,
                    const std::vector<std::string>& outputs, int64_t entry, bool primary) {
  auto* n = model.model.mutable_graph()->add_node();
  n->set_op_type(op_type);
  n->set_name("/" + op_type + "_" + std::to_string(model.origins.size()));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  model.origins.push_back(NodeOrigin{entry, primary});
  return static_cast<int>(model.origins.size()) - 1;
}

void TinyGraph::traced_value(const std::string& name, int64_t producer) {
  Value v;
  v.kind = Value::Kind::Tensor;
  v.producer = producer;
  trace.values.push_back(v);
  model.value_ids[name] = static_cast<int64_t>(trace.values.size()) - 1;
}

}  // namespace mx::test
