// LibTorch's rewrite of old quantized convolutions, left out of our loads where it cannot
// match (see quantized_conv_rewrite.h).
#include "torch/quantized_conv_rewrite.h"

#include <dlfcn.h>
#include <torch/csrc/jit/passes/subgraph_rewrite.h>
#include <torch/version.h>

#include <atomic>
#include <cstring>

#include "base/error.h"

namespace mx {
namespace {

thread_local bool loading = false;  // inside LoadingModel: torch::jit::load is running
std::atomic<int> skipped{0};

// Whether any node of the block (or of a block inside it) is a quantized:: operator.
bool has_quantized(const torch::jit::Block* block) {
  for (const auto* node : block->nodes()) {
    if (std::strncmp(node->kind().toQualString(), "quantized::", 11) == 0) return true;
    for (const auto* b : node->blocks())
      if (has_quantized(b)) return true;
  }
  return false;
}

bool methods_have_quantized(const torch::jit::Module& module) {
  for (const auto& method : module.get_methods())
    if (has_quantized(torch::jit::toGraphFunction(method.function()).graph()->block())) return true;
  return false;
}

using RunOnModule = torch::jit::Module (torch::jit::SubgraphRewriter::*)(const torch::jit::Module&);

// LibTorch's own SubgraphRewriter::runOnModule, the definition after this one.
RunOnModule libtorch_run_on_module() {
  static const RunOnModule original = [] {
    void* address = ::dlsym(RTLD_NEXT, "_ZN5torch3jit16SubgraphRewriter11runOnModuleERKNS0_6ModuleE");
    if (!address) throw Error("internal error: LibTorch's SubgraphRewriter::runOnModule was not found");
    // A pointer to a non-virtual member function (Itanium C++ ABI): its address, then 0.
    struct {
      void* function;
      std::ptrdiff_t adjustment;
    } parts{address, 0};
    static_assert(sizeof(parts) == sizeof(RunOnModule));
    RunOnModule pm;
    std::memcpy(&pm, &parts, sizeof pm);
    return pm;
  }();
  return original;
}

}  // namespace

LoadingModel::LoadingModel() { loading = true; }
LoadingModel::~LoadingModel() { loading = false; }
int skipped_quantized_conv_rewrites() { return skipped; }

}  // namespace mx

namespace torch::jit {

// Interposes LibTorch's definition: libtorch_cpu calls it through its PLT, and this library
// comes before it in the lookup order. Outside our loads, and for any module whose code
// calls a quantized operator, LibTorch's own runs.
Module SubgraphRewriter::runOnModule(const Module& module) {
#if TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR == 13
  if (mx::loading && !mx::methods_have_quantized(module)) {
    ++mx::skipped;
    return module;
  }
#endif
  return (this->*mx::libtorch_run_on_module())(module);
}

}  // namespace torch::jit
