// The bytes of an ONNX file's external data, for commands that write a new file from it
// (`extract`, `tag`): the data files mapped read-only, never copied into memory.
#pragma once

#include <string>

#include "convert/converted_model.h"

namespace mx {

// For every initializer of `m.model` with data_location EXTERNAL (paths relative to the
// folder of `onnx_path`, the file `m.model` was read from): checks the entry as `tags
// validate` does (see external_data.h; throws mx::Error naming the file, the tensor and
// the problem), maps its file, and makes the tensor one whose bytes live outside the proto
// (ConvertedModel::external_data, pointing into the mapping, which the entry keeps alive),
// so that model_io.h checks and writes it like an exported model's weights.
void attach_external_data(ConvertedModel& m, const std::string& onnx_path);

}  // namespace mx
