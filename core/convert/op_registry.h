// The operator registry: aten op -> emitter, several entries per op keyed by the lowest
// opset each needs; the newest entry that the target opset allows wins.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mx {

class EmitContext;
using Emitter = void (*)(EmitContext&);

struct OpEntry {
  std::string aten;     // "aten::relu"
  int since_opset = 1;  // lowest opset it needs
  Emitter emit = nullptr;
  std::string onnx_op;  // for one-to-one rows: the ONNX op type
  std::string source;   // "core/convert/ops/conv.cpp", "core/convert/ops/base_ops.yaml", a plugin manifest...
};

class OpRegistry {
 public:
  // Core's own converters and the one-to-one rows of core/convert/ops/base_ops.yaml.
  static OpRegistry builtin();

  void add(const std::string& aten, int since_opset, Emitter emit, const std::string& source);
  // One-to-one rows (YAML text with a list `operators:` of {aten, onnx, since}).
  void add_rows(const std::string& yaml_text, const std::string& source);
  // One such row (e.g. from a plugin manifest).
  void add_row(const std::string& aten, const std::string& onnx, int since_opset, const std::string& source);

  // The entry for `aten` at `opset`, or nullptr.
  const OpEntry* find(const std::string& aten, int opset) const;
  // Every opset entry of `aten`, oldest first (for messages).
  std::vector<const OpEntry*> all(const std::string& aten) const;
  // Every entry, by aten name then opset (for `modelexport ops`). In-place variants
  // (`aten::relu_`) are not entries of their own: find() and all() derive them.
  std::vector<const OpEntry*> every_entry() const;

 private:
  const std::vector<OpEntry>* entries_of(const std::string& aten) const;
  std::map<std::string, std::vector<OpEntry>> entries_;
};

}  // namespace mx
