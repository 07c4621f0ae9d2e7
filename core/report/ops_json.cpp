// `modelexport ops --json`: the registry's entries as report/ops.proto's OpsList.
#include "report/ops_json.h"

#include <set>

#include "base/proto_json.h"
#include "report/ops.pb.h"

namespace mx {

std::string ops_json(const OpRegistry& registry) {
  modelexport::ops::OpsList list;
  std::set<std::string> distinct;
  for (const auto* e : registry.every_entry()) {
    auto* row = list.add_ops();
    row->set_aten(e->aten);
    row->set_since_opset(e->since_opset);
    row->set_source(e->source);
    row->set_onnx(e->onnx_op);
    distinct.insert(e->aten);
  }
  list.set_count(static_cast<int32_t>(distinct.size()));
  return message_json(list);
}

}  // namespace mx
