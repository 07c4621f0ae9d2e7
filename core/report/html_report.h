// One self-contained HTML page (no network, no external scripts) of a tagged file: the
// collapsible module tree with node counts, parameter bytes and op types per module, a search
// box over tags, class names and paths, and with a profile an SVG icicle chart of time.
#pragma once

#include <string>

#include "tags/profile_fold.h"
#include "tags/tagged_model.h"

namespace mx {

// `fold` may be null (no profile: no chart, no times).
std::string html_report(const TaggedModel& model, const ProfileFold* fold);

// Bytes of the initializers each module's own nodes read first (a weight shared by several
// modules counts for the first in graph order), parallel to model.modules.
std::vector<double> own_parameter_bytes(const TaggedModel& model);

// The icicle chart of `fold`: one <g class="cell" data-id="MODULE"> per module with time, its
// width proportional to the module's total time, children below their parent.
std::string icicle_svg(const TaggedModel& model, const ProfileFold& fold);

}  // namespace mx
