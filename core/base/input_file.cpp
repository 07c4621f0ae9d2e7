// stat before open, fstat after: nothing but a regular file is ever read.
#include "base/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace mx {
namespace {

std::string not_regular(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "is a folder, not a file";
  if (S_ISFIFO(st.st_mode)) return "is a FIFO, not a regular file";
  if (S_ISCHR(st.st_mode)) return "is a character device, not a regular file";
  if (S_ISBLK(st.st_mode)) return "is a block device, not a regular file";
  if (S_ISSOCK(st.st_mode)) return "is a socket, not a regular file";
  return S_ISREG(st.st_mode) ? "" : "is not a regular file";
}

}  // namespace

void check_regular_input(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw Error(what + " '" + path + "' " + (errno == ENOENT ? std::string("does not exist") : std::strerror(errno)));
  if (std::string why = not_regular(st); !why.empty()) throw Error(what + " '" + path + "' " + why);
}

std::string read_input_file(const std::string& path, const std::string& what) {
  check_regular_input(path, what);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw Error("cannot read " + what + " '" + path + "': " + std::strerror(errno));
  struct stat st {};
  std::string why = ::fstat(fd, &st) != 0 ? std::strerror(errno) : not_regular(st);
  if (!why.empty()) {
    ::close(fd);
    throw Error(what + " '" + path + "' " + why);
  }
  std::string bytes;
  bytes.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      throw Error("cannot read " + what + " '" + path + "': " + std::strerror(e));
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace mx
