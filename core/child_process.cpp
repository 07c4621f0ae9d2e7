// fork + pipe + waitpid, with the error paths spelled out.
#include "child_process.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "error.h"

namespace mx {
namespace {

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

ChildOutcome run_in_child(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0)
    throw Error(std::string("cannot create a pipe for the plugin process: ") + std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("cannot start a process for the plugin: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::close(fds[0]);
    int status = 70;
    try {
      status = write_all(fds[1], body()) ? 0 : 71;
    } catch (...) {
    }
    ::_exit(status);
  }
  ::close(fds[1]);
  ChildOutcome out;
  out.payload = read_all(fds[0]);  // until the child exits or closes its end
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(std::string("cannot wait for the plugin process: ") + std::strerror(errno));
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  out.answered = WIFEXITED(status) && out.exit_code == 0;
  return out;
}

std::string describe_failure(const ChildOutcome& o) {
  if (o.signal) {
    const char* name = ::strsignal(o.signal);
    return "was killed by signal " + std::to_string(o.signal) + " (" + (name ? name : "unknown") + ")";
  }
  return "exited with status " + std::to_string(o.exit_code) + " without answering";
}

}  // namespace mx
