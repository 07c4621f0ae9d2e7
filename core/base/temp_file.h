// Temporary files beside an output: created new (O_CREAT|O_EXCL, so never through a link or
// over an existing file), removed on SIGINT/SIGTERM/SIGHUP, and cleaned up by the next run
// when a killed process left them behind.
#pragma once

#include <signal.h>

#include <string>

namespace mx {

// A new, empty file in the folder of `target` with an unpredictable name that encodes our
// process id (`.STEM.mx-tmp-PID-XXXXXX`, short enough for any legal target name). Throws
// mx::Error naming `target` and the reason. Until it is released or the object goes, a
// signal that ends the process removes it. The destructor removes the file unless
// release() was called.
class TempFile {
 public:
  explicit TempFile(const std::string& target);
  ~TempFile();
  TempFile(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  TempFile& operator=(TempFile&&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  // Closes the descriptor; returns errno of a failed close, else 0.
  int close();
  // The file is someone else's now (renamed into place): neither removed nor tracked.
  void release();

 private:
  std::string path_;
  int fd_ = -1;
  int slot_ = -1;
};

// Removes temporaries of ours for `target` (same folder, same name stem) whose process no
// longer exists: what SIGKILL or a power cut left. Regular files owned by us only, never
// links; errors are ignored (it is housekeeping).
void remove_stale_temporaries(const std::string& target);

// While one lives, SIGINT, SIGTERM and SIGHUP wait (for the renames that commit a set of
// outputs, which must not be cut in the middle); they are delivered when it goes.
class SignalsDeferred {
 public:
  SignalsDeferred();
  ~SignalsDeferred();
  SignalsDeferred(const SignalsDeferred&) = delete;
  SignalsDeferred& operator=(const SignalsDeferred&) = delete;

 private:
  sigset_t old_;
};

}  // namespace mx
