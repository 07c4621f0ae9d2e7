// The host side of the C ABI: mx_host_api_t over an mx_graph_t. Every function catches
// everything and reports through a status, as the ABI promises.
#include "plugin/graph_view.h"

#include "plugin/tag_builder_ext.h"

#include <cstring>
#include <iostream>
#include <unordered_map>

struct mx_status_t {
  int32_t code;
  std::string message;
};

namespace mx {
namespace {

mx_status_t* make_status(int32_t code, const std::string& message) { return new mx_status_t{code, message}; }

mx_status_t* bad_index(const char* what, int64_t index, size_t count) {
  return make_status(MX_STATUS_INVALID_ARGUMENT, std::string("no ") + what + " " + std::to_string(index) +
                                                     " (there are " + std::to_string(count) + ")");
}

// Copies `full` into the caller's struct, no further than the size the caller declared.
template <typename T>
mx_status_t* fill(T* out, const T& full) {
  if (!out) return make_status(MX_STATUS_INVALID_ARGUMENT, "NULL output struct");
  uint32_t size = out->struct_size;
  if (size < sizeof(uint32_t)) return make_status(MX_STATUS_INVALID_ARGUMENT, "struct_size is not set");
  std::memcpy(out, &full, std::min<size_t>(size, sizeof(T)));
  out->struct_size = size;
  return nullptr;
}

template <typename F>
mx_status_t* guarded(F&& f) noexcept {
  try {
    return f();
  } catch (const std::exception& e) {
    return make_status(MX_STATUS_FAILED, e.what());
  } catch (...) {
    return make_status(MX_STATUS_FAILED, "unknown error in the host");
  }
}

mx_status_t* status_create(int32_t code, const char* message) noexcept {
  try {
    return make_status(code, message ? message : "");
  } catch (...) {
    return nullptr;
  }
}

void status_release(mx_status_t* s) noexcept { delete s; }
const char* status_message(const mx_status_t* s) noexcept { return s ? s->message.c_str() : ""; }

void log(const mx_graph_t* g, int32_t level, const char* message) noexcept {
  if (level < MX_LOG_WARNING) return;  // debug and info lines stay quiet by default
  try {
    std::cerr << "modelexport: strategy " << (g ? g->plugin : std::string("?")) << ": " << (message ? message : "")
              << "\n";
  } catch (...) {
  }
}

int64_t node_count(const mx_graph_t* g) noexcept { return g ? static_cast<int64_t>(g->nodes.size()) : 0; }
int64_t value_count(const mx_graph_t* g) noexcept { return g ? static_cast<int64_t>(g->values.size()) : 0; }
int64_t trace_entry_count(const mx_graph_t* g) noexcept {
  return g ? static_cast<int64_t>(g->trace.entries.size()) : 0;
}
int64_t module_count(const mx_graph_t* g) noexcept { return g ? static_cast<int64_t>(g->trace.modules.size()) : 0; }

mx_status_t* get_node(const mx_graph_t* g, int64_t i, mx_node_t* out) noexcept {
  return guarded([&]() -> mx_status_t* {
    if (i < 0 || i >= node_count(g)) return bad_index("node", i, g ? g->nodes.size() : 0);
    const auto& proto = g->model.model.graph().node(static_cast<int>(i));
    const auto& view = g->nodes[i];
    const auto& origin = g->model.origins[i];
    mx_node_t n{};
    n.struct_size = sizeof(mx_node_t);
    n.name = proto.name().c_str();
    n.op_type = proto.op_type().c_str();
    n.domain = proto.domain().c_str();
    n.input_count = static_cast<int64_t>(view.inputs.size());
    n.inputs = view.inputs.data();
    n.output_count = static_cast<int64_t>(view.outputs.size());
    n.outputs = view.outputs.data();
    n.trace_entry = origin.trace_entry;
    n.is_primary = origin.primary ? 1 : 0;
    return fill(out, n);
  });
}

mx_status_t* get_value(const mx_graph_t* g, int64_t i, mx_value_t* out) noexcept {
  return guarded([&]() -> mx_status_t* {
    if (i < 0 || i >= value_count(g)) return bad_index("value", i, g ? g->values.size() : 0);
    const auto& v = g->values[i];
    mx_value_t r{};
    r.struct_size = sizeof(mx_value_t);
    r.name = v.name.c_str();
    r.kind = v.kind;
    r.is_graph_output = v.is_graph_output ? 1 : 0;
    r.producer = v.producer;
    r.consumer_count = static_cast<int64_t>(v.consumers.size());
    r.consumers = v.consumers.data();
    r.owner_module = v.owner_module;
    r.elem_type = v.elem_type;
    r.rank = v.has_shape ? static_cast<int64_t>(v.dims.size()) : -1;
    r.dims = v.dims.data();
    r.trace_entry = v.trace_entry;
    return fill(out, r);
  });
}

mx_status_t* get_trace_entry(const mx_graph_t* g, int64_t i, mx_trace_entry_t* out) noexcept {
  return guarded([&]() -> mx_status_t* {
    if (i < 0 || i >= trace_entry_count(g)) return bad_index("trace entry", i, g ? g->trace.entries.size() : 0);
    const auto& e = g->trace.entries[i];
    mx_trace_entry_t r{};
    r.struct_size = sizeof(mx_trace_entry_t);
    r.op = e.op.c_str();
    r.overload = e.overload.c_str();
    r.module_stack_size = static_cast<int64_t>(e.module_stack.size());
    r.module_stack = e.module_stack.data();
    return fill(out, r);
  });
}

mx_status_t* get_module(const mx_graph_t* g, int64_t i, mx_module_t* out) noexcept {
  return guarded([&]() -> mx_status_t* {
    if (i < 0 || i >= module_count(g)) return bad_index("module", i, g ? g->trace.modules.size() : 0);
    const auto& m = g->trace.modules[i];
    mx_module_t r{};
    r.struct_size = sizeof(mx_module_t);
    r.path = m.path.c_str();
    r.attr = m.attr.c_str();
    r.class_name = m.class_name.c_str();
    r.qualified_class = m.qualified_class.c_str();
    r.parent = m.parent;
    r.child_count = static_cast<int64_t>(m.children.size());
    r.children = m.children.data();
    r.call_count = m.calls;
    return fill(out, r);
  });
}

mx_status_t* set_module_tag(mx_graph_t* g, int64_t i, const char* tag) noexcept {
  return guarded([&]() -> mx_status_t* {
    if (i < 0 || i >= module_count(g)) return bad_index("module", i, g ? g->trace.modules.size() : 0);
    if (!tag || tag[0] != '/')
      return make_status(MX_STATUS_INVALID_ARGUMENT,
                         std::string("a tag must start with '/', got '") + (tag ? tag : "NULL") + "'");
    g->result.module_tags[i] = tag;
    return nullptr;
  });
}

const char* get_module_tag(const mx_graph_t* g, int64_t i) noexcept {
  if (i < 0 || i >= module_count(g) || !g->result.module_tags[i]) return nullptr;
  return g->result.module_tags[i]->c_str();
}

mx_status_t* set_node_tag(mx_graph_t* g, int64_t node, int64_t module, int32_t decision) noexcept {
  return guarded([&]() -> mx_status_t* {
    if (node < 0 || node >= node_count(g)) return bad_index("node", node, g ? g->nodes.size() : 0);
    if (module < 0 || module >= module_count(g)) return bad_index("module", module, g->trace.modules.size());
    if (decision < MX_DECISION_DIRECT || decision > MX_DECISION_ROOT)
      return make_status(MX_STATUS_INVALID_ARGUMENT, "unknown decision " + std::to_string(decision));
    g->result.node_module[node] = module;
    g->result.node_decision[node] = decision;
    return nullptr;
  });
}

const void* get_extension(const char* id) noexcept {
  if (id && std::strcmp(id, MX_EXT_TAG_BUILDER) == 0) return tag_builder_extension();
  return nullptr;
}

int32_t auxiliary_inherit(const mx_graph_t* g, const char* op_type) noexcept {
  if (!g || !g->auxiliary || !op_type) return 0;
  try {
    auto it = g->auxiliary->find(op_type);
    return it == g->auxiliary->end() ? 0 : it->second.inherit;
  } catch (...) {
    return 0;
  }
}

const mx_host_api_t kHostApi = {
    sizeof(mx_host_api_t),
    MX_ABI_MAJOR,
    MX_ABI_MINOR,
    status_create,
    status_release,
    status_message,
    log,
    node_count,
    value_count,
    trace_entry_count,
    module_count,
    get_node,
    get_value,
    get_trace_entry,
    get_module,
    set_module_tag,
    get_module_tag,
    set_node_tag,
    get_extension,
    auxiliary_inherit,
};

}  // namespace

const mx_host_api_t* host_api() { return &kHostApi; }

int32_t status_code(const mx_status_t* status) { return status ? status->code : 0; }

}  // namespace mx

mx_graph_t::mx_graph_t(const mx::Trace& t, const mx::ConvertedModel& m, const std::string& p)
    : trace(t), model(m), plugin(p) {
  const auto& graph = model.model.graph();
  std::unordered_map<std::string, int64_t> index;
  auto add = [&](const std::string& name, int32_t kind) {
    auto [it, fresh] = index.emplace(name, static_cast<int64_t>(values.size()));
    if (fresh) {
      ValueView v;
      v.name = name;
      v.kind = kind;
      values.push_back(v);
    }
    return it->second;
  };
  auto set_type = [&](int64_t id, const onnx::TypeProto& type) {
    if (!type.has_tensor_type()) return;
    auto& v = values[id];
    v.elem_type = type.tensor_type().elem_type();
    if (!type.tensor_type().has_shape()) return;
    v.has_shape = true;
    for (const auto& d : type.tensor_type().shape().dim()) v.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  };
  for (const auto& in : graph.input()) set_type(add(in.name(), MX_VALUE_GRAPH_INPUT), in.type());
  for (const auto& init : graph.initializer()) {
    int64_t id = add(init.name(), MX_VALUE_INITIALIZER);
    values[id].elem_type = init.data_type();
    values[id].has_shape = true;
    values[id].dims.assign(init.dims().begin(), init.dims().end());
    if (auto it = model.initializer_owner.find(init.name()); it != model.initializer_owner.end())
      values[id].owner_module = it->second;
  }
  nodes.resize(graph.node_size());
  for (int n = 0; n < graph.node_size(); ++n) {
    for (const auto& name : graph.node(n).input()) {
      if (name.empty()) {
        nodes[n].inputs.push_back(MX_NONE);
        continue;
      }
      int64_t id = add(name, MX_VALUE_INTERMEDIATE);
      values[id].consumers.push_back(n);
      nodes[n].inputs.push_back(id);
    }
    for (const auto& name : graph.node(n).output()) {
      int64_t id = add(name, MX_VALUE_INTERMEDIATE);
      values[id].producer = n;
      nodes[n].outputs.push_back(id);
    }
  }
  for (const auto& out : graph.output()) {
    int64_t id = add(out.name(), MX_VALUE_INTERMEDIATE);
    values[id].is_graph_output = true;
    set_type(id, out.type());
  }
  for (auto& v : values) {
    auto it = model.value_ids.find(v.name);
    if (it != model.value_ids.end() && it->second >= 0 && it->second < static_cast<int64_t>(trace.values.size()))
      v.trace_entry = trace.values[it->second].producer;
  }
  result.module_tags.resize(trace.modules.size());
  result.node_module.assign(nodes.size(), -1);
  result.node_decision.assign(nodes.size(), 0);
}
