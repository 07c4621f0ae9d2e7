// Whether a TorchScript file needs LibTorch's operator upgraders, and building them only
// then (private to torch/; see upgraders.cpp).
#pragma once

#include <string>

#include "base/torch_archive.h"

namespace mx {

// False only if the file's format version is at least that of every upgraded operator, or
// its code names none of the operators upgraded since (then LibTorch applies no upgrader).
// True when unsure (a damaged file, no version record).
bool may_need_upgraders(const std::string& path);
bool may_need_upgraders(const ArchiveContents& contents);

// Builds the process's upgraders if the file at `path` may need them, or if its contents
// could not be read (null); else leaves them empty for good (torch::jit::load then builds
// none). Throws nothing.
void prepare_upgraders(const std::string& path, const ArchiveContents* contents);

// Throws mx::Error naming `path` if it may need upgraders and prepare_upgraders left them
// out for another file of this process.
void check_upgraders_for(const std::string& path, const ArchiveContents& contents);

}  // namespace mx
