// See progress.h. advance() runs once per traced op, so it looks at the clock only every
// 64 calls.
#include "base/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace mx::progress {
namespace {

using Clock = std::chrono::steady_clock;

struct State {
  bool on = false, shown = false;
  double after = 2;  // seconds before the line appears
  Clock::time_point start, last;
  const char* phase = "";
  uint64_t done = 0, total = 0, calls = 0;
  Unit unit = Unit::None;
} g;

std::string amount(uint64_t n, Unit unit) {
  char buf[32];
  if (unit == Unit::Bytes) {
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(n) / (1u << 30));
  } else {
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  }
  return buf;
}

void show() {
  std::string line = "\r\033[Kmodelexport: " + std::string(g.phase);
  if (g.unit != Unit::None) {
    const uint64_t done = g.total && g.done > g.total ? g.total : g.done;
    line += " " + amount(done, g.unit);
    if (g.total) line += " of " + amount(g.total, g.unit);
    line += g.unit == Unit::Bytes ? " GiB" : " ops";
  }
  line += " ...";
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
  g.shown = true;
}

void maybe_show(bool force) {
  const auto now = Clock::now();
  if (now - g.start < std::chrono::duration<double>(g.after)) return;
  if (!force && g.shown && now - g.last < std::chrono::milliseconds(100)) return;
  g.last = now;
  show();
}

}  // namespace

void enable(bool on) {
  g = State{};
  g.on = on;
  g.start = Clock::now();
  if (const char* after = std::getenv("MODELEXPORT_PROGRESS_AFTER")) g.after = std::atof(after);
}

bool enabled() { return g.on; }

void phase(const char* name, uint64_t total, Unit unit) {
  if (!g.on) return;
  g.phase = name;
  g.done = 0;
  g.total = total;
  g.unit = unit;
  maybe_show(true);
}

void advance(uint64_t n) {
  if (!g.on) return;
  g.done += n;
  if (g.unit == Unit::Bytes || ++g.calls % 64 == 0) maybe_show(false);
}

void finish() {
  if (g.on && g.shown) {
    ssize_t ignored = ::write(STDERR_FILENO, "\r\033[K", 4);
    (void)ignored;
  }
  g.shown = false;
}

}  // namespace mx::progress
