// Which method of a module plays its forward: `forward`, or, where TorchScript compiled an
// overloaded forward (a scripted nn.RNN, nn.LSTM or nn.GRU: forward__0 takes a tensor,
// forward__1 a PackedSequence), the overload that the given inputs bind to.
#pragma once

#include <torch/script.h>

#include <string>
#include <vector>

#include "torch/forward_args.h"

namespace mx {

// True for "forward" and its overloads' names ("forward__0", ...).
bool is_forward_name(const std::string& name);

// True for a method whose call enters its module, as in torch.onnx.export's trace: a forward
// (is_forward_name), or a traced file's "forward1", "forward2", ... (a module traced through
// several calls). Another method (RAFT's corr_block.build_pyramid) runs as its caller's ops.
bool enters_module(const std::string& method);

// The graphs that may play root's forward: forward's, or every overload's.
std::vector<torch::jit::Graph*> forward_graphs(const torch::jit::Module& root);

struct ChosenForward {
  torch::jit::Function* method = nullptr;
  ForwardCall call;
};

// root's forward, or the one overload that `names`, `tensors` and `args` bind to (see
// bind_forward). Throws mx::Error naming the model and the overloads when none binds or
// more than one does, or bind_forward's error for a plain forward.
ChosenForward choose_forward(const torch::jit::Module& root, const std::vector<std::string>& names,
                             const std::vector<at::Tensor>& tensors, const std::vector<ArgSpec>& args,
                             const std::string& model_path);

}  // namespace mx
