// fork + pipe + waitpid, with the error paths spelled out.
#include "plugin/child_process.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <thread>

#include "base/error.h"

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

using Clock = std::chrono::steady_clock;

// Written by the child after its answer, so that the answer is known whole without its exit.
constexpr char kDone[] = {'\0', 'm', 'x', '-', 'd', 'o', 'n', 'e'};

void reap_later(pid_t pid) {
  try {
    std::thread([pid] {
      int status;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }).detach();
  } catch (...) {  // no thread: wait here
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

// Reads until end of file; false if `timeout_seconds` (> 0) passed since `started` first.
bool read_all(int fd, Clock::time_point started, double timeout_seconds, std::string& out) {
  auto deadline =
      started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_seconds));
  char buf[65536];
  for (;;) {
    int wait_ms = -1;
    if (timeout_seconds > 0) {
      double left = std::chrono::duration<double, std::milli>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      wait_ms = static_cast<int>(std::ceil(left));
    }
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, wait_ms);
    if (ready < 0 && errno != EINTR) return true;  // treated as end of file; waitpid tells the rest
    if (ready <= 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

ChildOutcome run_in_child(const std::function<std::string()>& body, double timeout_seconds,
                          const std::function<void()>& meanwhile) {
  int fds[2];
  if (::pipe(fds) != 0)
    throw Error(std::string("cannot create a pipe for the plugin process: ") + std::strerror(errno));
  std::fflush(nullptr);  // else plugin code calling exit() would write our buffered output again
  const auto started = Clock::now();
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
      std::string answer = body();
      answer.append(kDone, sizeof kDone);
      status = write_all(fds[1], answer) ? 0 : 71;
    } catch (...) {
    }
    ::close(fds[1]);  // the parent's end of file now, not after this process's memory is freed
    ::_exit(status);
  }
  ::close(fds[1]);
  if (meanwhile) {
    try {
      meanwhile();
    } catch (...) {  // the parent's own business, not the child's outcome
    }
  }
  ChildOutcome out;
  if (!read_all(fds[0], started, timeout_seconds, out.payload)) {  // until the child exits or closes its end
    ::kill(pid, SIGKILL);
    out.timed_out_after = timeout_seconds;
  }
  ::close(fds[0]);
  // The answer and its end mark came whole: the child's body returned and all it wrote is
  // here; what is left of it is its exit, which frees a copy of this process's address space
  // (5 ms after a small CNN's load). It is waited for on a thread of its own.
  const size_t mark = sizeof kDone;
  if (out.timed_out_after == 0 && out.payload.size() >= mark &&
      out.payload.compare(out.payload.size() - mark, mark, kDone, mark) == 0) {
    out.payload.resize(out.payload.size() - mark);
    out.answered = true;
    reap_later(pid);
    return out;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(std::string("cannot wait for the plugin process: ") + std::strerror(errno));
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  out.answered = WIFEXITED(status) && out.exit_code == 0 && out.timed_out_after == 0;
  return out;
}

std::string describe_failure(const ChildOutcome& o) {
  if (o.timed_out_after > 0) {
    std::ostringstream s;
    s << "did not finish within " << o.timed_out_after << " s and was stopped";
    return s.str();
  }
  if (o.signal) {
    const char* name = ::strsignal(o.signal);
    return "was killed by signal " + std::to_string(o.signal) + " (" + (name ? name : "unknown") + ")";
  }
  return "exited with status " + std::to_string(o.exit_code) + " without answering";
}

}  // namespace mx
