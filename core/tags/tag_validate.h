// Checking a tagged ONNX file: every node tagged with a tag that parses, and node metadata
// and sidecar agreeing node by node and module by module.
#pragma once

#include <string>
#include <vector>

#include "tags/tagged_model.h"

namespace mx {

// "" if `tag` is well formed: "/" + segments joined by "/", each a class name (identifier)
// optionally followed by ".part" items (list index or attribute) and a "#N" disambiguator;
// otherwise why it is not.
std::string tag_syntax_error(const std::string& tag);

struct ValidationReport {
  int nodes = 0, tagged = 0, modules = 0;
  bool has_sidecar = false;
  std::vector<std::string> problems;  // one line each, naming the node, module or file
  bool ok() const { return problems.empty(); }
};

ValidationReport validate_tags(const TaggedModel& model);

}  // namespace mx
