// The data cone of a meta trace: nodes whose results are needed as values (see data_cone.h).
#include "torch/data_cone.h"

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "torch/control_flow.h"
#include "torch/forward_method.h"
#include "torch/meta_trace.h"

namespace mx {
namespace {

namespace jit = torch::jit;

// A number, bool, string or a list of those: what a data read turns a tensor into.
bool is_plain_value(const c10::TypePtr& t) {
  switch (t->kind()) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::FloatType:
    case c10::TypeKind::BoolType:
    case c10::TypeKind::NumberType:
    case c10::TypeKind::ComplexType:
    case c10::TypeKind::StringType: return true;
    case c10::TypeKind::ListType: return is_plain_value(t->expectRef<c10::ListType>().getElementType());
    case c10::TypeKind::OptionalType: return is_plain_value(t->expectRef<c10::OptionalType>().getElementType());
    default: return false;
  }
}

// The graph a prim::CallMethod or prim::CallFunction node runs, or null.
jit::Graph* callee(const jit::Node* node) {
  if (node->kind() == c10::prim::CallMethod) {
    if (auto cls = node->input(0)->type()->cast<c10::ClassType>())
      if (auto* method = cls->findMethod(node->s(c10::attr::name))) return jit::toGraphFunction(*method).graph().get();
  } else if (node->kind() == c10::prim::CallFunction) {
    if (auto fn = node->input(0)->type()->cast<c10::FunctionType>())
      return jit::toGraphFunction(*fn->function()).graph().get();
  }
  return nullptr;
}

// The aliasing of one node's schema: argument i is written; output r is a view of an argument.
bool writes_any(const jit::Node* node) {
  const auto* schema = node->maybeSchema();
  if (!schema) return false;
  for (const auto& a : schema->arguments())
    if (a.alias_info() && a.alias_info()->isWrite()) return true;
  return false;
}

bool returns_alias(const jit::Node* node) {
  const auto* schema = node->maybeSchema();
  if (!schema) return false;
  for (const auto& r : schema->returns())
    if (r.alias_info()) return true;
  return false;
}

class ConeBuilder {
 public:
  std::unordered_set<const jit::Node*> cone;
  std::unordered_map<const jit::Graph*, std::vector<const jit::Node*>> calls;  // graph -> its call nodes
  std::vector<const jit::Node*> seeds;
  std::vector<const jit::Value*> value_seeds;  // inputs needed as data by an op that runs on meta
  size_t total_ops = 0;

  void collect(jit::Graph* graph) {
    if (!graphs_.insert(graph).second) return;
    collect(graph->block(), graph);
  }

  void grow() {
    for (const auto* s : seeds) need_node(s);
    for (const auto* v : value_seeds) push(v);
    while (!work_.empty()) {
      const jit::Value* v = work_.back();
      work_.pop_back();
      need_value(v);
    }
  }

 private:
  std::set<jit::Graph*> graphs_;
  std::unordered_map<const jit::Block*, const jit::Graph*> owner_;
  std::unordered_set<const jit::Value*> seen_;
  std::vector<const jit::Value*> work_;

  void collect(jit::Block* block, const jit::Graph* graph) {
    owner_[block] = graph;
    for (auto* node : block->nodes()) {
      if (node->kind().is_aten()) ++total_ops;
      if (reads_data_as_value(node) || has_data_dependent_shape(node)) seeds.push_back(node);
      for (size_t i : inputs_read_as_data(node))
        if (i < node->inputs().size()) value_seeds.push_back(node->input(i));
      if (auto* g = callee(node)) {
        calls[g].push_back(node);
        collect(g);
      }
      for (auto* b : node->blocks()) collect(b, graph);
    }
  }

  void push(const jit::Value* v) {
    if (!seen_.count(v)) work_.push_back(v);
  }

  void need_node(const jit::Node* node) {
    // Sizes, dtypes and devices are there on the meta device too: the cone stops at them.
    if (!reads_tensor_data(node->kind())) return;
    if (!cone.insert(node).second) return;
    for (const auto* in : node->inputs()) push(in);
    if (auto* g = callee(node))
      for (const auto* out : g->outputs()) push(out);
    for (const auto* b : node->blocks()) {  // conditions, trip counts and what the blocks return
      for (const auto* out : b->outputs()) push(out);
    }
  }

  // Every node that writes `v`'s memory, directly or through a view of it, makes its contents.
  void need_writers(const jit::Value* v, int depth) {
    if (depth > 32) return;
    for (const auto& use : v->uses()) {
      if (writes_any(use.user)) need_node(use.user);
      if (returns_alias(use.user) && !writes_any(use.user))
        for (const auto* out : use.user->outputs()) need_writers(out, depth + 1);
    }
  }

  void need_value(const jit::Value* v) {
    if (!seen_.insert(v).second) return;
    need_writers(v, 0);
    const jit::Node* node = v->node();
    if (node->kind() != c10::prim::Param) {
      need_node(node);
      return;
    }
    const jit::Block* block = node->owningBlock();
    const jit::Graph* graph = owner_.count(block) ? owner_.at(block) : nullptr;
    if (graph && block == graph->block()) {  // a graph input: the same argument at every call
      size_t i = v->offset();
      for (const auto* call : calls[graph]) {
        size_t k = call->kind() == c10::prim::CallFunction ? i + 1 : i;
        if (k < call->inputs().size()) push(call->input(k));
      }
      return;
    }
    if (const jit::Node* loop = block->owningNode())  // a loop's carried value: what feeds it
      need_node(loop);
  }
};

}  // namespace

bool has_data_dependent_shape(const jit::Node* node) {
  static const std::set<std::string> ops = {
      "aten::nonzero",     "aten::nonzero_numpy",       "aten::argwhere", "aten::masked_select",
      "aten::unique",      "aten::_unique",             "aten::_unique2", "aten::unique_dim",
      "aten::unique_consecutive", "aten::repeat_interleave", "aten::bincount", "aten::tensor_split",
      "aten::_local_scalar_dense", "torchvision::nms",
  };
  std::string op = node->kind().toQualString();
  if (op == "aten::where" && node->inputs().size() == 1) return true;
  return ops.count(op) > 0;
}

std::vector<size_t> inputs_read_as_data(const jit::Node* node) {
  // An embedding's ids, checked against the table's rows (an id out of range is an error in
  // the real trace too); the shape a tensor gives _reshape_from_tensor; the offsets that cut
  // an embedding_bag's ids into bags.
  static const std::map<std::string, std::vector<size_t>> ops = {
      {"aten::embedding", {1}}, {"aten::_reshape_from_tensor", {1}},
      {"aten::embedding_bag", {1, 2}}, {"aten::_embedding_bag", {1, 2}},
  };
  auto it = ops.find(node->kind().toQualString());
  return it == ops.end() ? std::vector<size_t>{} : it->second;
}

bool reads_data_as_value(const jit::Node* node) {
  if (!reads_tensor_data(node->kind())) return false;
  bool tensor_in = false;
  for (const auto* in : node->inputs()) tensor_in = tensor_in || holds_tensor(in->type());
  if (!tensor_in) return false;
  for (const auto* out : node->outputs())
    if (is_plain_value(out->type())) return true;
  return false;
}

DataCone::DataCone(const jit::Module& root) {
  ConeBuilder b;
  for (auto* forward : forward_graphs(root)) b.collect(forward);  // an overloaded forward: each overload
  b.grow();
  cone_ = std::move(b.cone);
  total_ops_ = b.total_ops;
  for (const auto* n : cone_)
    if (n->kind().is_aten()) ++cone_ops_;
}

}  // namespace mx
