// How a node's tag was decided: the one table of decision codes (sdk's MX_DECISION_*) and
// the names our files and reports spell them with.
#pragma once

#include <cstdint>
#include <string>

#include "modelexport/plugin.h"

namespace mx {

struct DecisionName {
  int32_t code;
  const char* name;
};

// In the order reports list them.
inline constexpr DecisionName kDecisions[] = {
    {MX_DECISION_DIRECT, "direct"},     {MX_DECISION_TRACE, "trace"},   {MX_DECISION_CONSUMER, "consumer"},
    {MX_DECISION_PRODUCER, "producer"}, {MX_DECISION_PARENT, "parent"}, {MX_DECISION_ROOT, "root"},
};

const char* decision_name(int32_t decision);         // "none" for a code not in the table
int32_t decision_code(const std::string& name);      // 0 for a name not in the table

}  // namespace mx
