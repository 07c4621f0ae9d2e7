// The page: the module data as JSON inside the page, the icicle chart as SVG, and the small
// script and style of html_assets.h that turn the data into the tree.
#include "report/html_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "report/html_assets.h"

namespace mx {
namespace {

using nlohmann::json;

double element_bytes(int data_type) {
  switch (data_type) {
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::COMPLEX64: return 8;
    case onnx::TensorProto::COMPLEX128: return 16;
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32: return 4;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16: return 2;
    default: return 1;
  }
}

json module_json(const TaggedModel& t, int m, const std::vector<double>& params, const ProfileFold* fold) {
  const auto& mod = t.modules[m];
  std::map<std::string, int> ops;  // with descendants, like the node count beside them
  for (int n : t.nodes_of(m)) ops[t.nodes[n].op_type]++;
  json j = {{"id", m},           {"parent", mod.parent},          {"tag", mod.tag},
            {"class", mod.class_name}, {"path", m == 0 ? "" : mod.path}, {"direct", mod.direct_nodes},
            {"total", mod.total_nodes},  {"params", params[m]},         {"ops", ops}};
  if (fold) {
    const auto& time = fold->modules[m];
    j["self_us"] = time.self_us;
    j["total_us"] = time.total_us;
    j["calls"] = time.calls;
    j["op_us"] = time.op_us;
  }
  return j;
}

// JSON that can sit inside <script>: no "</script>" can form when every '<' is escaped.
std::string script_safe(const json& j) {
  std::string text = j.dump(-1, ' ', false, json::error_handler_t::replace), out;
  for (char c : text) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}

}  // namespace

std::vector<double> own_parameter_bytes(const TaggedModel& t) {
  std::unordered_map<std::string, double> bytes;
  for (const auto& init : t.model.graph().initializer()) {
    double count = 1;
    for (auto d : init.dims()) count *= static_cast<double>(d);
    bytes[init.name()] = count * element_bytes(init.data_type());
  }
  std::vector<double> own(t.modules.size(), 0);
  for (size_t n = 0; n < t.nodes.size(); ++n) {
    int m = t.nodes[n].module_index;
    if (m < 0) continue;
    for (const auto& in : t.model.graph().node(static_cast<int>(n)).input())
      if (auto it = bytes.find(in); it != bytes.end()) {
        own[m] += it->second;
        bytes.erase(it);  // counted once, for its first reader
      }
  }
  return own;
}

std::string html_report(const TaggedModel& t, const ProfileFold* fold) {
  std::vector<double> params = own_parameter_bytes(t);
  std::vector<int> order = t.modules.empty() ? std::vector<int>{} : t.subtree(0);
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (t.modules[*it].parent >= 0) params[t.modules[*it].parent] += params[*it];
  json data = {{"onnx", t.onnx_path}, {"nodes", t.nodes.size()}, {"modules", json::array()}};
  for (size_t m = 0; m < t.modules.size(); ++m)
    data["modules"].push_back(module_json(t, static_cast<int>(m), params, fold));
  if (fold) {
    data["profile"] = {{"path", fold->profile_path}, {"runs", fold->runs},
                       {"node_us", fold->node_us},  {"unattributed_us", fold->unattributed_us},
                       {"events", fold->events},    {"unattributed_events", fold->unattributed_events}};
  }
  std::string page = kHtmlHead;
  page += "<script type=\"application/json\" id=\"data\">" + script_safe(data) + "</script>\n";
  page += "<div id=\"chart\">";
  if (fold) page += icicle_svg(t, *fold);
  page += "</div>\n<div id=\"details\"></div>\n";
  page += kHtmlTail;
  return page;
}

}  // namespace mx
