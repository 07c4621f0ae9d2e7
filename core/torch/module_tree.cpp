// The module tree of a loaded model, as named_modules() spells the paths.
#include "torch/module_tree.h"

#include <sstream>
#include <unordered_map>

namespace mx {
namespace {

// What makes two module objects one module. jit.save keeps a module registered under two
// names as two objects, but their parameters and buffers stay the same tensors: a module
// with tensors is known by its class and those tensors (its own and its descendants');
// one without, by its object alone.
std::string identity(const torch::jit::Module& m, const std::string& qualified_class) {
  std::ostringstream key;
  key << qualified_class;
  bool tensors = false;
  for (const auto& p : m.named_parameters(true)) {
    key << ' ' << p.name << '=' << p.value.unsafeGetTensorImpl();
    tensors = true;
  }
  for (const auto& b : m.named_buffers(true)) {
    key << ' ' << b.name << '=' << b.value.unsafeGetTensorImpl();
    tensors = true;
  }
  if (!tensors) key << " object=" << m._ivalue().get();
  return key.str();
}

struct TreeBuilder {
  std::vector<Module>& modules;
  ModuleIndex& index;
  std::vector<std::string> identities;  // per module index
  std::unordered_map<std::string, std::vector<size_t>> paths;  // identity -> its modules, in tree order

  // Every path gets its own Module, also the second path of a shared instance: a call is
  // tagged by the path it went through.
  void add(const torch::jit::Module& m, const std::string& path, const std::string& attr, int64_t parent) {
    Module mod;
    mod.path = path;
    mod.attr = attr;
    mod.parent = parent;
    mod.qualified_class = clean_class_name(m.type()->name() ? m.type()->name()->qualifiedName() : "Module");
    mod.class_name = mod.qualified_class.substr(mod.qualified_class.rfind('.') + 1);
    std::string id = identity(m, mod.qualified_class);
    for (int64_t a = parent; a >= 0; a = modules[a].parent)
      if (identities[a] == id) return;  // a module that holds one of its own ancestors
    auto at = static_cast<int64_t>(modules.size());
    auto& same = paths[id];
    // The first path, as named_modules() and named_parameters() keep it.
    index.emplace(m._ivalue().get(), same.empty() ? at : static_cast<int64_t>(same.front()));
    same.push_back(at);
    identities.push_back(id);
    modules.push_back(mod);
    if (parent >= 0) modules[parent].children.push_back(at);
    for (const auto& child : m.named_children())
      add(child.value, path.empty() ? child.name : path + "." + child.name, child.name, at);
  }
};

}  // namespace

void build_module_tree(const torch::jit::Module& root, std::vector<Module>& modules, ModuleIndex& index) {
  TreeBuilder b{modules, index, {}, {}};
  b.add(root, "", "", -1);
  for (size_t i = 0; i < modules.size(); ++i)
    for (size_t j : b.paths[b.identities[i]])
      if (j != i) modules[i].other_paths.push_back(modules[j].path);
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
