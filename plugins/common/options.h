// Strategy options (manifest settings, then --strategy-opt) as the shipped plugins read them.
#ifndef MODELEXPORT_PLUGINS_COMMON_OPTIONS_H
#define MODELEXPORT_PLUGINS_COMMON_OPTIONS_H

#include <modelexport/plugin.h>

#include <map>
#include <string>
#include <vector>

namespace mxp {

// key -> value; a later key overrides an earlier one. A key not in `known` is an
// MX_STATUS_INVALID_ARGUMENT error naming it and the known keys (thrown as PluginError).
std::map<std::string, std::string> read_options(const mx_option_t* options, int64_t count,
                                                const std::vector<std::string>& known);

// "a, b,,c" -> {"a", "b", "c"}
std::vector<std::string> split_list(const std::string& text);

}  // namespace mxp

#endif
