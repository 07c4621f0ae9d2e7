// Naming control-flow constructs and telling metadata queries from data reads (see control_flow.h).
#include "torch/control_flow.h"

#include <filesystem>
#include <limits>
#include <set>

#include "base/error.h"
#include "torch/code_checks.h"
#include "torch/tensor_bridge.h"

namespace mx {

std::string construct_name(const torch::jit::Node* node, const std::string& model_path) {
  std::string what = "if";
  if (node->kind() == c10::prim::Loop) {
    // Scripted `while` loops have no trip count (the largest int); `for` loops have one.
    auto trips = torch::jit::toIValue(node->input(0));
    what = trips && trips->isInt() && trips->toInt() == std::numeric_limits<int64_t>::max() ? "while loop" : "for loop";
  }
  // A loaded model's ranges point into its serialized code; the range that generated
  // that code is the user's own source, when the file was saved with debug info.
  auto range = node->sourceRange();
  if (auto problem = debug_info_problem(model_path); !problem.empty()) throw Error(problem);  // see code_checks.h
  try {
    if (auto original = range.findSourceRangeThatGenerated()) range = *original;
  } catch (const std::exception& e) {  // a .debug_pkl LibTorch's unpickler refuses
    throw Error("model file '" + model_path + "' is damaged: the debug information of its code (a code/*.debug_pkl "
                "record) cannot be read: " + message_of(e));
  }
  auto where = range.file_line_col();
  if (!where) return what;
  auto [file, line, col] = *where;
  (void)col;
  return what + " at " + std::filesystem::path(file).filename().string() + ":" + std::to_string(line);
}

bool is_assertion(const torch::jit::Node* node) {
  for (const auto* block : node->blocks())
    for (const auto* n : block->nodes())
      if (n->kind() == c10::prim::RaiseException) return true;
  return false;
}

bool reads_tensor_data(c10::Symbol op) {
  static const std::set<std::string> metadata_only = {
      "aten::size",   "aten::dim",         "aten::len",        "aten::numel",      "aten::__is__",
      "aten::__isnot__", "aten::is_floating_point", "aten::is_complex", "prim::shape", "prim::dtype",
      "prim::device", "prim::layout",      "prim::is_cuda",    "prim::requires_grad", "prim::unchecked_cast",
      "aten::__contains__", "prim::isinstance", "aten::is_contiguous",
      // Putting tensors in a container reads none of them: a scripted `hx is None` on the
      // (h, c) tuple an LSTMCell returned stays fixed by the example.
      "prim::TupleConstruct", "prim::ListConstruct", "prim::DictConstruct",
      // layout queries (MultiheadAttention's fast-path test asks `query.is_nested`)
      "prim::is_nested", "prim::is_sparse", "prim::is_sparse_csr", "prim::is_quantized", "prim::is_meta",
      "prim::is_mkldnn", "prim::is_xpu", "prim::is_vulkan", "prim::is_ipu", "prim::is_mps",
  };
  return metadata_only.count(op.toQualString()) == 0;
}

}  // namespace mx
