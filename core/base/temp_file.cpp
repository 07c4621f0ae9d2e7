// Temporary output files: O_EXCL creation, a signal-safe table of live temporaries, and
// removal of those a killed run left.
#include "base/temp_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "base/error.h"

namespace fs = std::filesystem;

namespace mx {
namespace {

constexpr const char* kMarker = ".mx-tmp-";
constexpr size_t kStemBytes = 120;  // leaves room for the marker, pid and suffix in NAME_MAX

// Live temporaries, read by the signal handler: a slot's path is complete before its owner
// is set, and the owner is cleared before the path may change.
constexpr int kSlots = 64;
char g_paths[kSlots][PATH_MAX];
std::atomic<pid_t> g_owner[kSlots];  // 0: free; else the process whose temporary it is
std::mutex g_mutex;                  // guards taking and giving back slots (never taken in the handler)

void on_signal(int sig) {
  const pid_t self = ::getpid();  // a forked child leaves its parent's temporaries alone
  for (int i = 0; i < kSlots; ++i)
    if (g_owner[i].load() == self) ::unlink(g_paths[i]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Installed once, and only over the default action: a signal the caller ignores (nohup) or
// handles itself stays so.
void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
      struct sigaction sa {};
      sa.sa_handler = on_signal;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
  });
}

int track(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  install_handlers();
  std::lock_guard<std::mutex> lock(g_mutex);
  for (int i = 0; i < kSlots; ++i)
    if (g_owner[i].load() == 0) {
      std::memcpy(g_paths[i], path.c_str(), path.size() + 1);
      g_owner[i].store(::getpid());
      return i;
    }
  return -1;  // untracked: still removed on errors, only not on signals
}

void untrack(int slot) {
  if (slot >= 0) g_owner[slot].store(0);
}

std::string stem_of(const std::string& target) {
  std::string name = fs::path(target).filename().string();
  return "." + name.substr(0, kStemBytes) + kMarker;
}

std::string random_suffix() {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[6] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
    for (auto& b : bytes) b = static_cast<unsigned char>(std::rand());
  std::string s;
  for (unsigned char b : bytes) s += kChars[b % (sizeof kChars - 1)];
  return s;
}

fs::path folder_of(const std::string& target) {
  fs::path p(target);
  return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

}  // namespace

TempFile::TempFile(const std::string& target) {
  const fs::path folder = folder_of(target);
  const std::string prefix = stem_of(target) + std::to_string(::getpid()) + "-";
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string candidate = (folder / (prefix + random_suffix())).string();
    int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
      path_ = std::move(candidate);
      fd_ = fd;
      slot_ = track(path_);
      return;
    }
    if (errno != EEXIST)
      throw Error("cannot write '" + target + "': cannot create a file in '" + folder.string() +
                  "': " + std::strerror(errno));
  }
  throw Error("cannot write '" + target + "': no free temporary name in '" + folder.string() + "'");
}

TempFile::TempFile(TempFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_), slot_(other.slot_) {
  other.fd_ = -1;
  other.slot_ = -1;
  other.path_.clear();
}

TempFile::~TempFile() {
  close();
  if (!path_.empty()) ::unlink(path_.c_str());
  untrack(slot_);
}

int TempFile::close() {
  if (fd_ < 0) return 0;
  int rc = ::close(fd_);
  fd_ = -1;
  return rc == 0 ? 0 : errno;
}

void TempFile::release() {
  close();
  untrack(slot_);
  slot_ = -1;
  path_.clear();
}

void remove_stale_temporaries(const std::string& target) {
  const fs::path folder = folder_of(target);
  const std::string prefix = stem_of(target);
  DIR* dir = ::opendir(folder.c_str());
  if (!dir) return;
  while (dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    // PID-XXXXXX after the prefix, nothing else.
    std::string rest = name.substr(prefix.size());
    size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string::npos || rest.size() != dash + 7) continue;
    if (rest.find_first_not_of("0123456789") != dash) continue;
    long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0 || pid > INT_MAX || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // still running (or not ours to ask)
    struct stat st {};
    if (::fstatat(::dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    ::unlinkat(::dirfd(dir), name.c_str(), 0);
  }
  ::closedir(dir);
}

SignalsDeferred::SignalsDeferred() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
  ::pthread_sigmask(SIG_BLOCK, &set, &old_);
}

SignalsDeferred::~SignalsDeferred() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

}  // namespace mx
