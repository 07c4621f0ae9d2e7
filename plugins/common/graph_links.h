// The ONNX graph as the shipped taggers walk it, read once from the host: per node its op
// type, trace entry and neighbours; per value its producer, parameter owner and trace entry.
#ifndef MODELEXPORT_PLUGINS_COMMON_GRAPH_LINKS_H
#define MODELEXPORT_PLUGINS_COMMON_GRAPH_LINKS_H

#include <modelexport/plugin.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mxp {

// Compressed adjacency lists: the items of i are item[offset[i] .. offset[i + 1]).
struct Lists {
  std::vector<int64_t> offset{0};
  std::vector<int64_t> item;
  void close() { offset.push_back(static_cast<int64_t>(item.size())); }
  int64_t begin(int64_t i) const { return offset[i]; }
  int64_t end(int64_t i) const { return offset[i + 1]; }
};

struct GraphLinks {
  int64_t node_count = 0, value_count = 0, entry_count = 0, module_count = 0;
  // Per node.
  std::vector<std::string> op_type;
  std::vector<int64_t> trace_entry;  // MX_NONE: no traced op made it
  std::vector<char> is_primary;
  Lists inputs;     // value indices, omitted inputs left out
  Lists outputs;    // value indices
  Lists producers;  // nodes whose outputs it reads
  Lists consumers;  // nodes that read its outputs
  // Per value.
  std::vector<int64_t> value_producer;  // node or MX_NONE
  std::vector<int64_t> value_owner;     // module owning the parameter or buffer, or MX_NONE
  std::vector<int64_t> value_entry;     // trace entry that computed it, or MX_NONE
};

// Reads and validates (every index in range) the whole graph; throws StatusError/PluginError.
GraphLinks read_graph(const mx_host_api_t* host, const mx_graph_t* graph);

// The innermost module of each trace entry's call stack, read on first use.
class EntryModules {
 public:
  EntryModules(const mx_host_api_t* host, const mx_graph_t* graph, const GraphLinks& links);
  int64_t operator()(int64_t entry);

 private:
  const mx_host_api_t* host_;
  const mx_graph_t* graph_;
  int64_t module_count_;
  std::vector<int64_t> module_;
};

}  // namespace mxp

#endif
