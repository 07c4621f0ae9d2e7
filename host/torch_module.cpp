// Loading the torch commands module: beside the executable in the build tree, else from
// the installed folder. Loaded once, never unloaded.
#include <dlfcn.h>

#include <filesystem>

#include "commands.h"
#include "torch_module.h"

namespace mx::cli {

int run_torch_command(const std::string& command, const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> candidates;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back((exe.parent_path() / kTorchModuleFile).string());
  candidates.push_back(std::string(MX_TORCH_MODULE_INSTALL_DIR) + "/" + kTorchModuleFile);
  std::string tried;
  for (const auto& path : candidates) {
    if (!fs::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return fail("cannot load the model commands from '" + path + "': " + dlerror());
    auto fn = reinterpret_cast<modelexport_torch_command_fn>(dlsym(handle, kTorchCommandSymbol));
    if (!fn) return fail("'" + path + "' has no symbol " + kTorchCommandSymbol + ": it is not modelexport's module");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    return fn(command.c_str(), static_cast<int>(argv.size()), argv.data());
  }
  return fail("the '" + command + "' command needs " + kTorchModuleFile + ", found in none of: " + tried +
              " (is modelexport installed completely?)");
}

}  // namespace mx::cli
