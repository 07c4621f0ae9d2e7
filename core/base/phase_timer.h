// Wall time per phase of a pipeline, for summaries and sidecars: done("trace") records the
// time since the previous phase ended (or since the timer was made).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace mx {

using PhaseSeconds = std::vector<std::pair<std::string, double>>;

class PhaseTimer {
 public:
  explicit PhaseTimer(PhaseSeconds& out) : out_(out) {}
  void done(const std::string& phase) {
    auto now = std::chrono::steady_clock::now();
    out_.emplace_back(phase, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  // The phase just done took `seconds` of `phase` (work that ran during it, beside what it
  // waited for): those seconds become a phase of their own, after it.
  void carve(const std::string& phase, double seconds) {
    if (!out_.empty()) out_.back().second = std::max(0.0, out_.back().second - seconds);
    out_.emplace_back(phase, seconds);
  }

 private:
  PhaseSeconds& out_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace mx
