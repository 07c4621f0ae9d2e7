// Checks on tensors that LibTorch read from a file, before anything reads their data:
// LibTorch's loader trusts the sizes, offset and strides a file declares, and the byte count
// of each storage, so a hostile or damaged file makes it read past the data it has.
// (LibTorch code: torch/ only.)
#pragma once

#include <torch/script.h>

#include <map>
#include <string>
#include <vector>

#include "base/zip_directory.h"

namespace mx {

// Throws mx::Error naming `file` and `who` if `t`'s view (sizes, offset, strides) reaches
// past its storage, has negative strides or sizes, or its byte count overflows.
void check_tensor_view(const at::Tensor& t, const std::string& file, const std::string& who);

// Every tensor of `module` (attributes of every submodule, constants of every method),
// each with check_tensor_view, and their storages against the data records of the file's
// `directory`.
void check_module_tensors(const torch::jit::Module& module, const std::string& file,
                          const std::map<std::string, ZipRecord>& directory);

// `tensors` (read from `file` by torch::jit::pickle_load), the same way.
void check_loaded_tensors(const std::vector<at::Tensor>& tensors, const std::string& file);

}  // namespace mx
