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

}  // namespace mx
