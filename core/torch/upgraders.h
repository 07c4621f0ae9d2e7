// Whether a TorchScript file needs LibTorch's operator upgraders, and building them only
// then (private to torch/; see upgraders.cpp).
#pragma once

#include <string>

namespace mx {

// False only if the file's format version is at least that of every upgraded operator, or
// its code names none of the operators upgraded since (then LibTorch applies no upgrader).
// True when unsure (a damaged file, no version record).
bool may_need_upgraders(const std::string& path);

// Throws mx::Error naming `path` if it may need upgraders and prepare_torch_load left them
// out for another file of this process.
void check_upgraders_for(const std::string& path);

}  // namespace mx
