// --external-data {auto,always,never} and --external-data-threshold SIZE, for every command
// that writes an ONNX file (export, tag, extract), spelled alike in each.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "onnx_io/external_plan.h"

namespace mx::cli {

class ExternalOptions {
 public:
  explicit ExternalOptions(ExternalDataOptions& target) : o_(target) {}
  void add_to(boost::program_options::options_description& desc);
  // After parsing; throws mx::Error naming a bad value.
  void apply();

 private:
  ExternalDataOptions& o_;
  std::string mode_ = "auto", threshold_ = "1024";
};

// "4096", "64K", "1M", "1MiB", "2G" as bytes (K, M, G are powers of 1024); throws mx::Error.
uint64_t parse_byte_size(const std::string& text, const std::string& option);

}  // namespace mx::cli
