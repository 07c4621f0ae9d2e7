// `modelexport ops --coverage FILE`: every aten op of a reference registry (torch.onnx's
// symbolic functions, one name a line) classified against ours.
#pragma once

#include <string>
#include <vector>

#include "convert/op_registry.h"

namespace mx {

struct OpCoverage {
  struct Row {
    std::string op;      // as the reference spells it
    std::string status;  // "converted", "refused", "interpreted", "missing"
    std::string detail;  // source file, or the reason
  };
  std::vector<Row> rows;
  int converted = 0, refused = 0, interpreted = 0, missing = 0;
};

// Classifies the aten:: names of `reference` (other names are skipped): converted by an
// entry of `registry`, refused on purpose (with the reason), interpreted (list, scalar and
// identity ops the tracer runs on known values, which never reach the converter), missing.
OpCoverage op_coverage(const OpRegistry& registry, const std::vector<std::string>& reference);

// One line per op ("aten::where  converted  core/convert/ops/compare_logic.cpp") and the counts.
std::string op_coverage_text(const OpCoverage& coverage);

}  // namespace mx
