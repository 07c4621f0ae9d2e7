// Runs code we do not trust (a plugin's tagger) in a forked child, so that a crash kills
// the child only; the child's answer comes back as bytes over a pipe.
#pragma once

#include <functional>
#include <string>

namespace mx {

struct ChildOutcome {
  bool answered = false;       // `body` returned and its result came whole (or: exited with status 0)
  std::string payload;         // what `body` returned
  int signal = 0;              // killed by this signal
  int exit_code = 0;           // exited with this status without answering
  double timed_out_after = 0;  // > 0: stopped (SIGKILL) after this many seconds
};

// Forks; the child runs `body`, writes its result to the parent and exits with _exit (no
// atexit handlers, no flushing of the parent's buffers). If `body` throws, the child exits
// with status 70. A child that has not finished after `timeout_seconds` (> 0) is killed.
// Once the result has come whole (an end mark the child writes after it), the parent returns
// without waiting for the child's exit, which frees a copy of the parent's address space
// (5 ms after a small CNN's load): a thread of its own reaps the child.
// Throws mx::Error if the child cannot be started. `meanwhile` (if given) runs here, in the
// parent, once the child has started and before its answer is read: work of the parent's
// own that has no need of the answer overlaps the child's (what it throws is dropped); the
// time limit still counts from the fork.
ChildOutcome run_in_child(const std::function<std::string()>& body, double timeout_seconds = 0,
                          const std::function<void()>& meanwhile = {});

// "was killed by signal 11 (Segmentation fault)", "exited with status 3 without answering"
// or "did not finish within 2 s and was stopped".
std::string describe_failure(const ChildOutcome& outcome);

}  // namespace mx
