// The subcommands of `modelexport`; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace mx::cli {

int export_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args);
int tags_command(const std::vector<std::string>& args);
int extract_command(const std::vector<std::string>& args);
int tag_command(const std::vector<std::string>& args);
int profile_command(const std::vector<std::string>& args);

// "modelexport: error: <message>" on stderr; returns 1.
int fail(const std::string& message);

}  // namespace mx::cli
