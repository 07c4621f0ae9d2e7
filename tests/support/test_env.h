// What the tests share: paths from meson, fixture models made by examples/make_model.py,
// running commands, temporary folders, and ONNX Runtime as the oracle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "model/trace.h"

namespace mx::test {

namespace fs = std::filesystem;

// From the environment meson test sets (see tests/meson.build).
std::string env_path(const char* name);
std::string modelexport_bin();   // build/host/modelexport
std::string plugin_build_dir();  // build/plugins
std::string source_root();

// The TorchScript file of a make_model.py model, made once per test run (fixed seed).
std::string fixture_model(const std::string& name);
// The model's example inputs as make_model.py prints them: NAME:DTYPE:DIMS[:LOW..HIGH] each.
std::vector<std::string> fixture_inputs(const std::string& name);
// The same for a model of tests/fixtures/scripted_models.py (saved with torch.jit.script).
std::string scripted_fixture_model(const std::string& name);
std::vector<std::string> scripted_fixture_inputs(const std::string& name);
// The same for tests/fixtures/forward_signatures.py, which also writes MODEL.inputs.pt (the
// flat example tensors) and MODEL.expected.pt (Python's outputs for them) beside the model.
std::string signature_fixture_model(const std::string& name);
std::vector<std::string> signature_fixture_inputs(const std::string& name);

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs `command` through /bin/sh; captures stdout and stderr.
CommandResult run(const std::string& command);
std::string quote(const std::string& s);

// A fresh folder, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> entries() const;  // file names, sorted

 private:
  fs::path path_;
};

// Runs MODEL.onnx in ONNX Runtime (tests/ort/run_model.js) on `inputs` named `names`; the
// outputs in ORT's order, fetched by their names (put in `output_names` if given).
// Throws std::runtime_error with ORT's message if it fails, or if ORT warns that an output's
// shape differs from the one the model declares (a static dim that should be symbolic).
std::vector<std::shared_ptr<TensorData>> run_onnxruntime(const std::string& onnx_path,
                                                         const std::vector<std::string>& names,
                                                         const std::vector<std::shared_ptr<TensorData>>& inputs,
                                                         std::vector<std::string>* output_names = nullptr);

// ONNX's own checks on an exported file (tests/support/check_onnx.py): the full checker
// with strict shape inference, and declared output dims against inferred ones. Empty if
// the file passes, else the problems found, one a line.
std::string onnx_check_problems(const std::string& onnx_path);

// max |t| over a float32 tensor.
double max_abs(const TensorData& t);

// max |a - b| over float32 tensors of equal shape; +inf if shapes or types differ.
double max_abs_diff(const TensorData& a, const TensorData& b);

std::string read_file(const std::string& path);

// A folder that tests/fixtures/SCRIPT filled when given it as its one argument: made once
// per process. Throws std::runtime_error with the script's errors if it fails.
const std::string& fixture_folder(const std::string& script);

}  // namespace mx::test
