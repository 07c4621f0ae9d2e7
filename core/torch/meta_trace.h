// Running one IR node of a meta trace: on LibTorch's meta device (shapes and dtypes, no
// data), through a shape rule of ours where LibTorch 1.13 has no meta kernel, or on
// placeholder data as the last resort; the outputs are meta tensors either way.
#pragma once

#include <torch/script.h>

#include <string>
#include <utility>
#include <vector>

namespace mx {

enum class OpWay { Meta, ShapeRule, Real };

// Thrown (not an std::exception, so that the interpreter's error wrapping lets it pass)
// when the meta trace met a value it cannot have without data: the trace is run again on
// real data. `why` says which op, for the summary.
struct MetaAbandoned {
  std::string why;
};

// Runs `node` on `values` (its inputs), every tensor argument on the meta device; leaves
// the outputs there. `op` and `module` name it in a MetaAbandoned.
// Each real tensor argument is replaced by a meta copy, reported as (copy, original) in
// `copies`, so that a write through the copy or a view of it is known to be one into the
// original's memory.
OpWay call_on_meta(torch::jit::Node* node, torch::jit::Stack& values, const std::string& where,
                   std::vector<std::pair<at::Tensor, at::Tensor>>& copies);

// Checks the arguments of `node`, an op of the data cone about to run on real data in a meta
// trace: throws MetaAbandoned when one has no data (the cone missed it) or when the op writes
// into the memory of one of `inputs` (the trace's inputs, which a meta trace reads in place
// instead of copying them: see borrow_data in tensor_bridge.h).
void check_real_call(torch::jit::Node* node, const torch::jit::Stack& values, const std::vector<at::Tensor>& inputs,
                     const std::string& where);

// True for Tensor, Tensor?, Tensor[] and Tensor?[]: the arguments a meta call converts.
bool holds_tensor(const c10::TypePtr& type);

// True when `iv` is a meta tensor or a list, tuple or dict holding one.
bool holds_meta(const c10::IValue& iv);

}  // namespace mx
