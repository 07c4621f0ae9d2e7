// The options export and compare share: the example inputs, how to trace and convert the
// model, and where the plugins are. Declared once, so both commands spell them alike.
#pragma once

#include <boost/optional.hpp>
#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "pipelines/export.h"

namespace mx::cli {

class ModelOptions {
 public:
  explicit ModelOptions(ExportOptions& target) : o_(target) {}

  // --input, --arg, --input-file, --input-names, --strategy-timeout, --plugin-dir, --opset, --seed,
  // --output-names, --keep-batchnorm, --trace, --check, and with `dynamic` also --dynamic.
  void add_to(boost::program_options::options_description& desc, bool dynamic);
  // After parsing: parses the specs into the target. Throws mx::Error naming a bad value.
  void apply();

 private:
  ExportOptions& o_;
  std::vector<std::string> inputs_, plugin_dirs_, dynamic_, args_;
  std::string input_names_, trace_;
  boost::optional<std::string> output_names_;
  bool keep_batchnorm_ = false;
};

}  // namespace mx::cli
