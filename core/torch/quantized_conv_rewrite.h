// LibTorch's rewrite of old quantized convolutions, skipped in our loads for modules that
// call no quantized operator (private to torch/).
//
// Why: torch::jit::load ends with a pass that rewrites convolutions of quantized models
// saved by PyTorch 1.5 and older (rewriteQuantizedConvForBC): for every module, four times,
// it parses a pattern graph and matches it against the module's methods. On a model of 50
// modules that is some 200 calls and 1700 parses, 15 to 20 ms: an eighth of a small model's
// whole export, spent on models that have no quantized operator, which no pattern can match.
// The pass calls SubgraphRewriter::runOnModule, which this library defines again: while a
// LoadingModel exists (on this thread) and the module's methods have no quantized:: node,
// it returns the module unchanged, as LibTorch's would; otherwise it calls LibTorch's.
#pragma once

namespace mx {

// Marks the current thread as inside torch::jit::load for our load_module.
class LoadingModel {
 public:
  LoadingModel();
  ~LoadingModel();
  LoadingModel(const LoadingModel&) = delete;
  LoadingModel& operator=(const LoadingModel&) = delete;
};

// How many modules' rewrites this process has left out so far.
int skipped_quantized_conv_rewrites();

}  // namespace mx
