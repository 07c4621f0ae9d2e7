// The subcommands of `modelexport`; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace mx::cli {

// In the executable (no LibTorch).
int plugins_command(const std::vector<std::string>& args);
int tags_command(const std::vector<std::string>& args);
int extract_command(const std::vector<std::string>& args);
int ops_command(const std::vector<std::string>& args);

// In the torch commands module (torch_commands.cpp), which links LibTorch.
int export_command(const std::vector<std::string>& args);
int compare_command(const std::vector<std::string>& args);
int tag_command(const std::vector<std::string>& args);
int profile_command(const std::vector<std::string>& args);

// Loads the torch commands module (torch_module.cpp) and runs `command` there.
int run_torch_command(const std::string& command, const std::vector<std::string>& args);

// "modelexport: error: <message>" on stderr; returns 1.
int fail(const std::string& message);
// fail() for a std::bad_alloc that reached the top of `command`, in words rather than the
// exception's name.
int fail_out_of_memory(const std::string& command);

}  // namespace mx::cli
