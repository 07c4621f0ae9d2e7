// The LLaMA-like decoder of tests/fixtures/llama_model.py as a test fixture, and a writer
// process to kill: what the external-data tests share.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace mx::test {

struct LlamaFixture {
  std::string pt;     // the TorchScript file
  std::string input;  // its --input spec
  std::string flags;  // the generator's size flags, for scripts that rebuild the same model
};

// Made once per test process into the fixture folder as NAME_HASH.pt (HASH of `flags`:
// layers, hidden, ...; "" for the generator's defaults).
const LlamaFixture& llama_fixture(const std::string& name, const std::string& flags);

// Starts `command` (through /bin/sh, its output to /dev/null) in a process of its own.
pid_t spawn(const std::string& command);

// The names in `dir` that contain ".mx-tmp-" (our temporaries) and their sizes.
std::vector<std::pair<std::string, uintmax_t>> temporaries(const std::string& dir);

// ONNX Runtime on `onnx` (an export of `pt`) against LibTorch's own forward on the example
// input `input` (seed 0): max |difference| / max |LibTorch's output|.
double ort_vs_libtorch(const std::string& pt, const std::string& input, const std::string& onnx);

// ONNX Runtime on `onnx` (a module extracted from an export of `pt`) fed the module's real
// inputs, against its real outputs, both recorded by tracing the whole model in LibTorch
// (again for each call): the worst max |difference| / max |output|; 1e9 if a value is missing.
double extracted_vs_libtorch(const std::string& pt, const std::string& input, const std::string& onnx);

}  // namespace mx::test
