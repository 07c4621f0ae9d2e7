// The JSON of `modelexport profile --json` (schema: profile_report.proto).
#pragma once

#include <string>

#include "tags/profile_fold.h"
#include "tags/tagged_model.h"

namespace mx {

std::string profile_json(const TaggedModel& model, const ProfileFold& fold);

}  // namespace mx
