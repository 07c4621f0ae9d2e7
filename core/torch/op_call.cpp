// Calling one IR node's operator on runtime values.
#include "torch/op_call.h"

namespace mx {

void call_node(torch::jit::Node* node, torch::jit::Stack& values) {
  if (node->kind() == c10::prim::ListConstruct) {
    c10::impl::GenericList list(node->output()->type()->expectRef<c10::ListType>().getElementType());
    for (auto& v : values) list.push_back(std::move(v));
    values = {c10::IValue(list)};
  } else if (node->kind() == c10::prim::TupleConstruct) {
    values = {c10::IValue(c10::ivalue::Tuple::create(std::move(values)))};
  } else if (node->kind() == c10::prim::DictConstruct) {
    const auto& type = node->output()->type()->expectRef<c10::DictType>();
    c10::impl::GenericDict dict(type.getKeyType(), type.getValueType());
    for (size_t i = 0; i + 1 < values.size(); i += 2) dict.insert(values[i], values[i + 1]);
    values = {c10::IValue(dict)};
  } else {
    // A vararg operator (aten::format, ...) reads its input count from the stack's top: the
    // JIT interpreter's OPN instruction pushes it.
    if (const auto* schema = node->maybeSchema(); schema && schema->is_vararg())
      values.emplace_back(static_cast<int64_t>(values.size()));
    node->getOperation()(values);
  }
}

bool writes_input(torch::jit::Node* node, size_t i) {
  const auto* schema = node->maybeSchema();
  if (!schema || i >= schema->arguments().size()) return false;
  const auto* alias = schema->arguments()[i].alias_info();
  return alias && alias->isWrite();
}

int written_output(torch::jit::Node* node, size_t i) {
  if (!writes_input(node, i)) return -1;
  const auto& schema = node->schema();
  const auto& sets = schema.arguments()[i].alias_info()->beforeSets();
  for (size_t r = 0; r < schema.returns().size() && r < node->outputs().size(); ++r) {
    const auto* alias = schema.returns()[r].alias_info();
    if (alias && alias->isWrite() && alias->beforeSets() == sets) return static_cast<int>(r);
  }
  return -1;
}

}  // namespace mx
