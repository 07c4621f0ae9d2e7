// The JSON that `tags`, `extract` and `tag` print with --json (schema: tags_report.proto).
#pragma once

#include "base/proto_json.h"

#include <string>
#include <vector>

#include "tags/extract.h"
#include "pipelines/foreign_tagging.h"
#include "tags/tag_query.h"
#include "tags/tag_validate.h"
#include "tags/tagged_model.h"

namespace google::protobuf {
class Message;
}

namespace mx {

std::string tree_json(const TaggedModel& model);
std::string stats_json(const TaggedModel& model, const TagStats& stats);
std::string query_json(const TaggedModel& model, const std::string& pattern, const std::vector<int>& matches,
                       bool with_nodes);
std::string validation_json(const TaggedModel& model, const ValidationReport& report);
std::string extraction_json(const TaggedModel& model, const ExtractReport& report);
std::string foreign_tagging_json(const ForeignTagOptions& options, const ForeignTagReport& report);

// Depth of module `m` in the tree (0 for the root).
int module_depth(const TaggedModel& model, int m);

// The fields every report's module row has (index, path, class_name, tag, parent, depth,
// direct_nodes, total_nodes), for any of the .proto messages that carry them.
template <typename Row>
void fill_module_fields(const TaggedModel& t, int m, Row* row) {
  const auto& mod = t.modules[m];
  row->set_index(m);
  row->set_path(mod.path);
  row->set_class_name(mod.class_name);
  row->set_tag(mod.tag);
  row->set_parent(mod.parent);
  row->set_depth(module_depth(t, m));
  row->set_direct_nodes(mod.direct_nodes);
  row->set_total_nodes(mod.total_nodes);
}

}  // namespace mx
