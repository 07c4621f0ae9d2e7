// The module tree of a loaded model, as named_modules() spells the paths.
#include "torch/module_tree.h"

namespace mx {
namespace {

void add_module(const torch::jit::Module& m, const std::string& path, const std::string& attr, int64_t parent,
                std::vector<Module>& modules, ModuleIndex& index) {
  auto* obj = m._ivalue().get();
  if (index.count(obj)) return;  // a shared instance keeps its first path
  Module mod;
  mod.path = path;
  mod.attr = attr;
  mod.parent = parent;
  mod.qualified_class = clean_class_name(m.type()->name() ? m.type()->name()->qualifiedName() : "Module");
  mod.class_name = mod.qualified_class.substr(mod.qualified_class.rfind('.') + 1);
  auto at = static_cast<int64_t>(modules.size());
  index[obj] = at;
  modules.push_back(mod);
  if (parent >= 0) modules[parent].children.push_back(at);
  for (const auto& child : m.named_children())
    add_module(child.value, path.empty() ? child.name : path + "." + child.name, child.name, at, modules, index);
}

}  // namespace

void build_module_tree(const torch::jit::Module& root, std::vector<Module>& modules, ModuleIndex& index) {
  add_module(root, "", "", -1, modules, index);
}

std::string clean_class_name(const std::string& qualified) {
  std::string out;
  size_t start = 0;
  while (start <= qualified.size()) {
    size_t end = qualified.find('.', start);
    if (end == std::string::npos) end = qualified.size();
    std::string atom = qualified.substr(start, end - start);
    if (atom != "__torch__" && atom.rfind("___torch_mangle", 0) != 0 && !atom.empty())
      out += (out.empty() ? "" : ".") + atom;
    start = end + 1;
  }
  return out;
}

}  // namespace mx
