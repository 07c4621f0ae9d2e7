// Decision codes <-> names, from the one table in decisions.h.
#include "tags/decisions.h"

namespace mx {

const char* decision_name(int32_t decision) {
  for (const auto& d : kDecisions)
    if (d.code == decision) return d.name;
  return "none";
}

int32_t decision_code(const std::string& name) {
  for (const auto& d : kDecisions)
    if (name == d.name) return d.code;
  return 0;
}

}  // namespace mx
