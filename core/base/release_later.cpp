// Holding replaced files open and closing them on a detached thread (see release_later.h).
#include "base/release_later.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>
#include <thread>

namespace mx {

int hold_regular_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return -1;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {  // replaced between lstat and open
    ::close(fd);
    return -1;
  }
  return fd;
}

void close_later(std::vector<int> fds) {
  auto close_all = [](const std::vector<int>& held) {
    for (int fd : held)
      if (fd >= 0) ::close(fd);
  };
  bool any = false;
  for (int fd : fds) any = any || fd >= 0;
  if (!any) return;
  try {
    std::thread(close_all, fds).detach();
  } catch (const std::system_error&) {  // no thread to be had: close here, as before
    close_all(fds);
  }
}

}  // namespace mx
