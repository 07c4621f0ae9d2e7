// Loading a TorchScript file with one clear message for each way it can fail.
#include "torch/model_file.h"

#include <filesystem>

#include "base/error.h"
#include "base/input_file.h"
#include "base/zip_directory.h"
#include "torch/tensor_bridge.h"
#include "torch/tensor_checks.h"

namespace mx {

torch::jit::Module load_module(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("model file '" + path + "' does not exist");
  check_regular_input(path, "model file");
  torch::jit::Module m;
  try {
    zip_record_sizes_of_file(path);  // LibTorch's reader trusts the archive's directory
    m = torch::jit::load(path);
    m.eval();
  } catch (const std::exception& e) {
    throw Error("model file '" + path + "' is not a TorchScript file that LibTorch can load: " + message_of(e));
  }
  check_module_tensors(m, path);  // before anything reads a tensor's bytes
  return m;
}

TorchModel::TorchModel(const std::string& path)
    : path_(path), module_(std::make_unique<Module>(Module{load_module(path)})) {}
TorchModel::~TorchModel() = default;

}  // namespace mx
