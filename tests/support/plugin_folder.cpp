// Plugin folders for tests (see plugin_folder.h).
#include "plugin_folder.h"

#include <fstream>

namespace mx::test {

std::string test_plugin_library(const std::string& file) {
  return (fs::path(env_path("MODELEXPORT_TEST_PLUGIN_LIB_DIR")) / file).string();
}

void copy_shipped_plugin(const fs::path& dir, const std::string& name) {
  fs::path from = fs::path(plugin_build_dir()) / name;
  fs::copy_file(from / (name + ".so"), dir / (name + ".so"), fs::copy_options::overwrite_existing);
  fs::copy_file(from / (name + ".yaml"), dir / (name + ".yaml"), fs::copy_options::overwrite_existing);
}

void add_plugin(const fs::path& dir, const std::string& library, const std::string& name, const std::string& abi,
                const std::string& more_yaml) {
  fs::copy_file(library, dir / (name + ".so"), fs::copy_options::overwrite_existing);
  std::ofstream(dir / (name + ".yaml")) << "name: " << name << "\nversion: 0.0.1\nabi: \"" << abi
                                        << "\"\ndescription: test plugin\n"
                                        << more_yaml;
}

}  // namespace mx::test
