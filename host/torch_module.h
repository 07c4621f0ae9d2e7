// The torch commands module's one entry symbol, shared by the module and its loader.
#pragma once

extern "C" {
// Runs `command` (export, compare, tag) with its arguments; returns the exit code.
typedef int (*modelexport_torch_command_fn)(const char* command, int argc, const char* const* argv);
}

namespace mx::cli {
constexpr const char* kTorchCommandSymbol = "modelexport_torch_command";
constexpr const char* kTorchModuleFile = "modelexport_torch_commands.so";
}  // namespace mx::cli
