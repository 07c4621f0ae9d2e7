// Loading a TorchScript file and tracing it: the only part of core that sees LibTorch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/input_spec.h"
#include "model/trace.h"
#include "model/trace_ways.h"

namespace mx {

// Example inputs from specs: floats ~ N(0,1), integers and bools uniform in [low, high]; fixed seed.
std::vector<std::shared_ptr<TensorData>> make_inputs(const std::vector<InputSpec>& specs, uint64_t seed);

// Example inputs from a file written by Python's torch.save: a tensor, or a tuple or list
// of tensors. Throws mx::Error naming the file and what is wrong with it.
std::vector<std::shared_ptr<TensorData>> load_inputs(const std::string& path);

struct TraceOptions {
  // Keep the concrete value of every tensor (Value::observed): for checks that compare
  // parts of the exported graph with what LibTorch computed. Costs memory.
  bool keep_values = false;
  // --arg NAME=VALUE: forward's number, bool and string arguments (see forward_args.h).
  std::vector<ArgSpec> args;
  // --trace: `meta` runs on real data only what the graph needs as values (data_cone.h),
  // everything else on shapes alone; `real` runs every op on LibTorch's CPU kernels.
  // keep_values implies real. Meta by default, as on the command line.
  enum class Mode { Meta, Real } mode = Mode::Meta;
  // --check: a meta trace is also run for real and the two compared (model/trace_compare.h).
  // Also on whenever the environment sets MODELEXPORT_CHECK_TRACE=1 (the test suites do), so
  // that every test's trace, in process or through the command line, is a checked one.
  bool check = false;
  // When set, receives how the trace ran its ops.
  TraceWays* ways = nullptr;
  // --max-ops: the trace stops with an error after running this many TorchScript nodes. A
  // scripted loop that never ends (or runs a billion trips) would otherwise grow the trace
  // by about 1 KB a node until the machine runs out of memory; the largest real graphs run
  // some 10^4 to 10^5 nodes.
  int64_t max_ops = kDefaultMaxTraceOps;
};

// A TorchScript file loaded by LibTorch (in eval mode), to trace more than once without
// loading it, and holding its weights, twice.
// Builds what LibTorch builds once per process when it loads its first model (the graphs
// of its operator upgraders), so that a caller may do it while it waits for something
// else, and only if the file at `path` may need them (upgraders.h): for a process that
// loads that one model, or others that need none. Loading builds them anyway if this was
// not called. What it reads of the file (its directory, code and pickles) it keeps for the
// next load, which takes it if the file is still the same (path, inode, size, change
// times), so that a file is read once. Throws nothing.
void prepare_torch_load(const std::string& path);

class TorchModel {
 public:
  // Throws mx::Error for a missing or non-TorchScript file.
  explicit TorchModel(const std::string& path);
  ~TorchModel();
  TorchModel(const TorchModel&) = delete;
  TorchModel& operator=(const TorchModel&) = delete;

  const std::string& path() const { return path_; }
  struct Module;  // LibTorch's, in torchscript.cpp
  const Module& module() const { return *module_; }

 private:
  std::string path_;
  std::unique_ptr<Module> module_;
};

// Runs `inputs` through the model's forward op by op and records everything. Inputs named
// by forward's arguments (ARG.K, ARG.KEY for a list's, tuple's or dict's items) go to those;
// otherwise they fill forward's tensor arguments in order, and an empty name is replaced by
// the argument's name. Throws mx::Error for inputs that do not fit.
Trace trace_model(const TorchModel& model, const std::vector<std::string>& input_names,
                  const std::vector<std::shared_ptr<TensorData>>& inputs, const TraceOptions& options = {});
// The same on a model loaded from `model_path` for this trace alone.
Trace trace_model(const std::string& model_path, const std::vector<std::string>& input_names,
                  const std::vector<std::shared_ptr<TensorData>>& inputs, const TraceOptions& options = {});

// LibTorch's own forward on the same inputs (outputs flattened): the reference that the
// trace and the exported ONNX model are checked against.
std::vector<std::shared_ptr<TensorData>> run_reference(const std::string& model_path,
                                                       const std::vector<std::shared_ptr<TensorData>>& inputs);

}  // namespace mx
