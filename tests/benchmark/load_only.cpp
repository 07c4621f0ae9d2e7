// LibTorch's load of a TorchScript file as our export calls it, without our checks of the
// file: the part of an export's own time that no export through LibTorch goes below
// (bench_trace.py's floor). As in load_module (core/torch/model_file.cpp): upgraders built
// only if the file may need them, our operators registered, the rewrite of old quantized
// convolutions left out, large records read on two threads; the first load in the process
// (the JIT's operator table is filled on it, as in an export). Prints its seconds and how
// many modules' quantized rewrites were left out (0 would mean LibTorch's own ran).
// Usage: bench_load_only FILE.pt
#include <torch/script.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>

#include "base/torch_archive.h"
#include "torch/newer_ops.h"
#include "torch/parallel_reader.h"
#include "torch/quantized_conv_rewrite.h"
#include "torch/torchvision_ops.h"
#include "torch/upgraders.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_load_only FILE.pt\n");
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const mx::ArchiveContents contents = mx::read_archive_contents(argv[1]);
    mx::prepare_upgraders(argv[1], &contents);
    mx::register_newer_ops();
    mx::register_torchvision_ops();
    torch::jit::Module m;
    {
      mx::LoadingModel loading;
      m = torch::jit::load(std::make_shared<mx::ParallelFileReader>(argv[1]));
    }
    m.eval();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("%.6f %d\n", took.count(), mx::skipped_quantized_conv_rewrites());
  } catch (const c10::Error& e) {  // its message without LibTorch's backtrace
    std::fprintf(stderr, "bench_load_only: %s: %s\n", argv[1], e.what_without_backtrace());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_load_only: %s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
