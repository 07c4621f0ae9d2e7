// Loading a TorchScript file with one clear message for each way it can fail.
#include "torch/model_file.h"

#include <filesystem>

#include "base/error.h"
#include "torch/tensor_bridge.h"

namespace mx {

torch::jit::Module load_module(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("model file '" + path + "' does not exist");
  if (!std::filesystem::is_regular_file(path, ec)) throw Error("model file '" + path + "' is not a regular file");
  try {
    auto m = torch::jit::load(path);
    m.eval();
    return m;
  } catch (const std::exception& e) {
    throw Error("model file '" + path + "' is not a TorchScript file that LibTorch can load: " + first_line(e.what()));
  }
}

TorchModel::TorchModel(const std::string& path)
    : path_(path), module_(std::make_unique<Module>(Module{load_module(path)})) {}
TorchModel::~TorchModel() = default;

}  // namespace mx
