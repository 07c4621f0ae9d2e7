// libFuzzer target: --input-file, a file written by torch.save (a ZIP archive holding a
// pickle and tensor records), read with every check before LibTorch's tensors are used.
// LibTorch's own code is not instrumented; what is checked is that nothing but mx::Error
// comes out and that no tensor that reaches us reads past its bytes (ASan).
#include "base/error.h"
#include "fuzz_support.h"
#include "torch/torchscript.h"
#include "base/zip_directory.h"

static volatile unsigned sink;  // keeps the reads

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    mx::zip_record_sizes(bytes, "fuzz");
  } catch (const mx::Error&) {
  }
  std::string path = mx::fuzz::write_scratch("inputs.pt", data, size);
  try {
    for (const auto& t : mx::load_inputs(path)) {  // every byte read: out of bounds would be found here
      unsigned sum = 0;
      for (size_t i = 0; i < t->nbytes; ++i) sum += static_cast<const unsigned char*>(t->data)[i];
      sink = sum;
    }
  } catch (const mx::Error&) {
  }
  return 0;
}
