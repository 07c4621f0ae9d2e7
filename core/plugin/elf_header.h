// A look at a plugin file's ELF header before anything loads it, so that a library for
// another machine gets a message saying so (glibc's dlopen says "No such file or directory").
#pragma once

#include <string>

namespace mx {

// "" if `path` starts like a shared library for this process's machine (64/32-bit class,
// byte order and machine type as our own executable's); else why not, e.g. "it is built
// for AArch64 (ELF machine 183), this host runs x86-64".
std::string elf_mismatch(const std::string& path);

}  // namespace mx
