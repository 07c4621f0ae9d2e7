// The entry point of the torch commands module: export, compare and tag, the commands
// that load a TorchScript model. main.cpp loads this module only for them.
#include <exception>
#include <new>
#include <string>
#include <vector>

#include <cstdlib>

#include "base/error.h"
#include "commands.h"
#include "torch_module.h"

extern "C" __attribute__((visibility("default"))) int modelexport_torch_command(const char* command, int argc,
                                                                                const char* const* argv) noexcept {
  try {
    std::vector<std::string> args(argv, argv + argc);
    std::string name = command;
    if (name == "export") return mx::cli::export_command(args);
    if (name == "compare") return mx::cli::compare_command(args);
    if (name == "tag") return mx::cli::tag_command(args);
    return mx::cli::fail("internal error: the torch commands module has no command '" + name + "'");
  } catch (const std::bad_alloc&) {
    return mx::cli::fail_out_of_memory(command);
  } catch (const std::exception& e) {  // not one of ours: LibTorch's text has a backtrace
    if (std::getenv("MODELEXPORT_VERBOSE")) return mx::cli::fail(e.what());
    return mx::cli::fail(mx::first_line(e.what()) + " (--verbose shows more)");
  } catch (...) {
    return mx::cli::fail("internal error: unknown exception in '" + std::string(command) + "'");
  }
}
