// Reading the graph through the host: O(nodes + values + edges) host calls.
#include "graph_links.h"

#include "boundary.h"

namespace mxp {
namespace {

[[noreturn]] void bad_index(const char* what, int64_t index, const char* owner, int64_t owner_index) {
  fail(MX_STATUS_FAILED, std::string(owner) + " " + std::to_string(owner_index) + " refers to " + what + " " +
                             std::to_string(index) + ", which does not exist");
}

void require_array(const void* items, int64_t count, const char* what, int64_t index) {
  if (count < 0 || (count > 0 && items == nullptr))
    fail(MX_STATUS_FAILED, std::string(what) + " " + std::to_string(index) + " has an invalid list");
}

}  // namespace

GraphLinks read_graph(const mx_host_api_t* host, const mx_graph_t* graph) {
  GraphLinks g;
  g.node_count = host->node_count(graph);
  g.value_count = host->value_count(graph);
  g.entry_count = host->trace_entry_count(graph);
  g.module_count = host->module_count(graph);
  if (g.node_count < 0 || g.value_count < 0 || g.entry_count < 0 || g.module_count < 0)
    fail(MX_STATUS_FAILED, "the host reported a negative count");

  Lists value_consumers;
  g.value_producer.assign(g.value_count, MX_NONE);
  g.value_owner.assign(g.value_count, MX_NONE);
  g.value_entry.assign(g.value_count, MX_NONE);
  for (int64_t v = 0; v < g.value_count; ++v) {
    mx_value_t value{};
    value.struct_size = sizeof(mx_value_t);
    value.trace_entry = MX_NONE;  // stays so if the host predates the field
    check(host->get_value(graph, v, &value));
    if (value.producer != MX_NONE && (value.producer < 0 || value.producer >= g.node_count))
      bad_index("node", value.producer, "value", v);
    if (value.owner_module != MX_NONE && (value.owner_module < 0 || value.owner_module >= g.module_count))
      bad_index("module", value.owner_module, "value", v);
    if (value.trace_entry != MX_NONE && (value.trace_entry < 0 || value.trace_entry >= g.entry_count))
      bad_index("trace entry", value.trace_entry, "value", v);
    g.value_producer[v] = value.producer;
    g.value_owner[v] = value.owner_module;
    g.value_entry[v] = value.trace_entry;
    require_array(value.consumers, value.consumer_count, "value", v);
    for (int64_t c = 0; c < value.consumer_count; ++c) {
      if (value.consumers[c] < 0 || value.consumers[c] >= g.node_count)
        bad_index("node", value.consumers[c], "value", v);
      value_consumers.item.push_back(value.consumers[c]);
    }
    value_consumers.close();
  }

  g.op_type.resize(g.node_count);
  g.trace_entry.assign(g.node_count, MX_NONE);
  g.is_primary.assign(g.node_count, 0);
  for (int64_t u = 0; u < g.node_count; ++u) {
    mx_node_t node{};
    node.struct_size = sizeof(mx_node_t);
    check(host->get_node(graph, u, &node));
    require_array(node.inputs, node.input_count, "node", u);
    require_array(node.outputs, node.output_count, "node", u);
    g.op_type[u] = node.op_type != nullptr ? node.op_type : "";
    if (node.trace_entry != MX_NONE && (node.trace_entry < 0 || node.trace_entry >= g.entry_count))
      bad_index("trace entry", node.trace_entry, "node", u);
    g.trace_entry[u] = node.trace_entry;
    g.is_primary[u] = node.is_primary != 0;
    for (int64_t i = 0; i < node.input_count; ++i) {
      const int64_t v = node.inputs[i];
      if (v == MX_NONE) continue;
      if (v < 0 || v >= g.value_count) bad_index("value", v, "node", u);
      g.inputs.item.push_back(v);
      if (g.value_producer[v] != MX_NONE) g.producers.item.push_back(g.value_producer[v]);
    }
    for (int64_t i = 0; i < node.output_count; ++i) {
      const int64_t v = node.outputs[i];
      if (v < 0 || v >= g.value_count) bad_index("value", v, "node", u);
      g.outputs.item.push_back(v);
      for (int64_t k = value_consumers.begin(v); k < value_consumers.end(v); ++k)
        g.consumers.item.push_back(value_consumers.item[k]);
    }
    g.inputs.close();
    g.producers.close();
    g.outputs.close();
    g.consumers.close();
  }
  return g;
}

EntryModules::EntryModules(const mx_host_api_t* host, const mx_graph_t* graph, const GraphLinks& links)
    : host_(host), graph_(graph), module_count_(links.module_count), module_(links.entry_count, MX_NONE) {}

int64_t EntryModules::operator()(int64_t e) {
  if (module_[e] != MX_NONE) return module_[e];
  mx_trace_entry_t entry{};
  entry.struct_size = sizeof(mx_trace_entry_t);
  check(host_->get_trace_entry(graph_, e, &entry));
  if (entry.module_stack_size < 1 || entry.module_stack == nullptr)
    fail(MX_STATUS_FAILED, "trace entry " + std::to_string(e) + " has an empty module stack");
  const int64_t m = entry.module_stack[entry.module_stack_size - 1];
  if (m < 0 || m >= module_count_) bad_index("module", m, "trace entry", e);
  return module_[e] = m;
}

}  // namespace mxp
