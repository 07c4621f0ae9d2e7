// Tensor views against storages, and storages against the ZIP archive's data records.
#include "torch/tensor_checks.h"

#include <torch/csrc/jit/api/function_impl.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/error.h"
#include "base/zip_directory.h"

namespace mx {
namespace {

std::string shape_of(const at::Tensor& t) {
  std::string s;
  for (auto d : t.sizes()) s += (s.empty() ? "" : "x") + std::to_string(d);
  return (s.empty() ? "scalar" : s) + " " + std::string(c10::toString(t.scalar_type()));
}

Error damaged(const std::string& file, const std::string& why) {
  return Error("'" + file + "' is damaged: " + why + " (not a file that torch.jit.save or torch.save wrote whole)");
}

// Storages against records: each storage's byte count is the size of the record it was
// read from. A storage with no record of its size claims bytes the file does not have.
void check_storages(const std::vector<at::Tensor>& tensors, const std::string& file,
                    const std::map<std::string, ZipRecord>& directory) {
  std::multiset<uint64_t> records;
  for (const auto& [name, r] : directory)
    if ((name.find("/data/") != std::string::npos || name.find("/constants/") != std::string::npos) &&
        name.find(".pkl") == std::string::npos)
      records.insert(r.size);
  std::set<const c10::StorageImpl*> seen;
  for (const auto& t : tensors) {
    if (!t.defined() || !t.has_storage() || !seen.insert(t.storage().unsafeGetStorageImpl()).second) continue;
    const uint64_t nbytes = t.storage().nbytes();
    auto it = records.find(nbytes);
    if (it == records.end())
      throw damaged(file, "a " + shape_of(t) + " tensor's storage claims " + std::to_string(nbytes) +
                              " bytes, but no data record in the file has that size (a record cut short)");
    records.erase(it);
  }
}

void collect_constants(const torch::jit::Block* block, std::vector<at::Tensor>& out) {
  for (const auto* node : block->nodes()) {
    if (node->kind() == c10::prim::Constant && node->output()->type()->kind() == c10::TypeKind::TensorType)
      if (auto v = torch::jit::toIValue(node->output()); v && v->isTensor()) out.push_back(v->toTensor());
    for (const auto* b : node->blocks()) collect_constants(b, out);
  }
}

}  // namespace

void check_tensor_view(const at::Tensor& t, const std::string& file, const std::string& who) {
  if (!t.defined() || !t.has_storage() || t.layout() != c10::kStrided) return;
  const int64_t offset = t.storage_offset();
  if (offset < 0) throw damaged(file, who + " has a negative storage offset");
  uint64_t last = static_cast<uint64_t>(offset);
  for (int64_t d = 0; d < t.dim(); ++d) {
    const int64_t size = t.sizes()[d], stride = t.strides()[d];
    if (size < 0 || stride < 0) throw damaged(file, who + " has a negative size or stride");
    if (size == 0) return;  // no element: nothing is read
    uint64_t reach = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(size - 1), static_cast<uint64_t>(stride), &reach) ||
        __builtin_add_overflow(last, reach, &last))
      throw damaged(file, who + " (" + shape_of(t) + ") has a view whose extent overflows 64 bits");
  }
  uint64_t needed = 0;
  if (__builtin_add_overflow(last, 1u, &needed) || __builtin_mul_overflow(needed, t.element_size(), &needed))
    throw damaged(file, who + " (" + shape_of(t) + ") has a view whose byte count overflows 64 bits");
  if (needed > t.storage().nbytes())
    throw damaged(file, who + " (" + shape_of(t) + ", offset " + std::to_string(offset) + ") reaches " +
                            std::to_string(needed) + " bytes into a storage of " +
                            std::to_string(t.storage().nbytes()) + " bytes");
}

void check_module_tensors(const torch::jit::Module& module, const std::string& file,
                          const std::map<std::string, ZipRecord>& directory) {
  std::vector<at::Tensor> tensors;
  for (const auto& attr : module.named_attributes(/*recurse=*/true))
    if (attr.value.isTensor()) {
      check_tensor_view(attr.value.toTensor(), file, "tensor '" + attr.name + "'");
      tensors.push_back(attr.value.toTensor());
    }
  std::vector<torch::jit::Module> modules{module};
  for (const auto& m : module.modules()) modules.push_back(m);
  for (const auto& m : modules)
    for (const auto& method : m.get_methods()) {
      std::vector<at::Tensor> constants;
      collect_constants(torch::jit::toGraphFunction(method.function()).graph()->block(), constants);
      for (const auto& c : constants) check_tensor_view(c, file, "a constant tensor of " + method.name());
      tensors.insert(tensors.end(), constants.begin(), constants.end());
    }
  check_storages(tensors, file, directory);
}

void check_loaded_tensors(const std::vector<at::Tensor>& tensors, const std::string& file) {
  for (size_t i = 0; i < tensors.size(); ++i) check_tensor_view(tensors[i], file, "item " + std::to_string(i));
  check_storages(tensors, file, zip_records_of_file(file));
}

}  // namespace mx
