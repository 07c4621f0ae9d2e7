// One updating progress line on stderr for long runs: the phase and how far it is
// ("modelexport: trace 1834 of 2410 ops", "modelexport: write 1.20 of 2.79 GiB"), shown
// once a run has taken ~2 s, at most ten times a second, and cleared when the run ends.
// Off unless enabled: the host enables it only when stderr is a terminal and --quiet is
// not given, so scripts and logs never see it. Not thread-safe: one run at a time.
#pragma once

#include <cstdint>

namespace mx::progress {

enum class Unit { None, Ops, Bytes };

// Turns the line on or off; the ~2 s (MODELEXPORT_PROGRESS_AFTER seconds, if set: the tests
// set 0) start from the call that turns it on.
void enable(bool on);
bool enabled();

// Starts phase `name` (a string literal) of `total` units (0: not known).
void phase(const char* name, uint64_t total = 0, Unit unit = Unit::None);
// `n` more units done in the current phase.
void advance(uint64_t n = 1);
// Clears the line, if one is shown.
void finish();

}  // namespace mx::progress
