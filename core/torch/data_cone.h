// Which IR nodes of a model must run on real data in a meta trace: the backward cone of
// the nodes that read a tensor's contents as a value (a number, a bool, a shape that
// depends on the data), decided before running.
#pragma once

#include <torch/script.h>

#include <cstddef>
#include <unordered_set>
#include <vector>

namespace mx {

class DataCone {
 public:
  // Analyses root.forward and every method and function it calls.
  explicit DataCone(const torch::jit::Module& root);

  // True when `node`'s outputs are needed as values: it runs on real data.
  bool needs_data(const torch::jit::Node* node) const { return cone_.count(node) > 0; }
  // Ops (aten::*) in the cone and in all the graphs analysed.
  size_t cone_ops() const { return cone_ops_; }
  size_t total_ops() const { return total_ops_; }

 private:
  std::unordered_set<const torch::jit::Node*> cone_;
  size_t cone_ops_ = 0, total_ops_ = 0;
};

// True for ops whose output's shape follows the contents of an input (nonzero, unique,
// masked_select, ...): the meta device cannot run them.
bool has_data_dependent_shape(const torch::jit::Node* node);

// The inputs of `node` that its meta call reads the data of (an embedding's ids, to check
// them): they are computed for real, the node itself runs on meta.
std::vector<size_t> inputs_read_as_data(const torch::jit::Node* node);

// True when `node` reads the contents of a tensor input into a number, bool or list.
bool reads_data_as_value(const torch::jit::Node* node);

}  // namespace mx
