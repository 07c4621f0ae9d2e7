// libFuzzer target: a plugin manifest (YAML), read as discovery reads it and merged into
// core's operator registry. Broken manifests must come back as PluginManifest::error.
#include "base/error.h"
#include "fuzz_support.h"
#include "convert/op_registry.h"
#include "plugin/plugin_manifest.h"
#include "plugin/plugin_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const mx::OpRegistry builtin = mx::OpRegistry::builtin();
  std::string path = mx::fuzz::write_scratch("p.yaml", data, size);
  mx::PluginManifest m = mx::read_manifest(path);
  if (m.error.empty()) mx::merge_plugin_entries(builtin, {m});
  return 0;
}
