// libFuzzer target: the model file itself (`modelexport export MODEL.pt`), a TorchScript
// archive loaded as export loads it (our archive and pickle checks, torch::jit::load, the
// module tensor checks), then traced (meta, the default) on one fixed small input, so that
// the module tree and the interpreter see what a loaded hostile file holds. LibTorch's own
// code is not instrumented; what is checked is that nothing but mx::Error comes out, and that
// its message is the one line `modelexport export` prints. Its mutator (archive_mutator.cpp)
// changes one record of the archive at a time, so that mutations reach LibTorch's unpickler,
// its TorchScript compiler and our trace rather than die in the ZIP layer.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "fuzz_support.h"
#include "torch/torchscript.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = mx::fuzz::write_scratch("model.pt", data, size);
  try {
    mx::TorchModel model(path);
    // the seeds' forward(x) takes one float tensor; 2x4 fits their first layer
    static const auto inputs = mx::make_inputs({mx::InputSpec{"x", mx::DType::Float, {2, 4}}}, 0);
    mx::TraceOptions options;
    options.max_ops = 10000;  // a loop the file runs forever stops here, as --max-ops stops it
    mx::trace_model(model, {"x"}, inputs, options);
  } catch (const mx::Error& e) {
    const std::string what = e.what();
    if (what.empty() || what.find('\n') != std::string::npos) {
      std::fprintf(stderr, "an error that is not one line: [%s]\n", what.c_str());
      std::abort();
    }
  }
  return 0;
}
