// Our own export (strategy htp) of a make_model.py fixture with the example inputs that
// make_model.py names for it; cached per test process by export_with().
#pragma once

#include <string>

#include "model_exports.h"

namespace mx::test {

inline const ModelExport& htp_export(const std::string& model) {
  std::string args;
  for (const auto& spec : fixture_inputs(model)) args += " --input " + spec;
  return export_with({model, args}, "htp");
}

}  // namespace mx::test
