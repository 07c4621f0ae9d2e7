// Reads the 20 bytes of ELF identification and machine type; compares with /proc/self/exe.
#include "plugin/elf_header.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace mx {
namespace {

struct Ident {
  bool ok = false;
  unsigned char cls = 0, data = 0;
  uint16_t type = 0, machine = 0;
};

Ident read_ident(const char* path) {
  Ident id;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return id;
  unsigned char h[20] = {};
  ssize_t n = ::read(fd, h, sizeof h);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof h) || std::memcmp(h, ELFMAG, SELFMAG) != 0) return id;
  id.ok = true;
  id.cls = h[EI_CLASS];
  id.data = h[EI_DATA];
  bool little = id.data == ELFDATA2LSB;
  auto u16 = [&](int at) { return static_cast<uint16_t>(little ? h[at] | h[at + 1] << 8 : h[at] << 8 | h[at + 1]); };
  id.type = u16(16);
  id.machine = u16(18);
  return id;
}

std::string machine_name(uint16_t m) {
  switch (m) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "AArch64";
    case EM_ARM: return "ARM";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "S/390";
    default: return "machine " + std::to_string(m);
  }
}

}  // namespace

std::string elf_mismatch(const std::string& path) {
  static const Ident self = read_ident("/proc/self/exe");
  Ident lib = read_ident(path.c_str());
  if (!lib.ok) return "it is not an ELF shared library (no ELF header)";
  if (!self.ok) return "";  // nothing to compare with: let the loader decide
  if (lib.type != ET_DYN)
    return "it is an ELF file but not a shared library (ELF type " + std::to_string(lib.type) + ")";
  if (lib.cls != self.cls || lib.data != self.data || lib.machine != self.machine)
    return "it is built for " + machine_name(lib.machine) + (lib.cls == ELFCLASS32 ? " (32-bit)" : " (64-bit)") +
           ", this host runs " + machine_name(self.machine) + (self.cls == ELFCLASS32 ? " (32-bit)" : " (64-bit)");
  return "";
}

}  // namespace mx
