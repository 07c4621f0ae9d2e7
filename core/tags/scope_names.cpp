// Scope name parsing and resolution against the TorchScript module tree.
#include "tags/scope_names.h"

#include <cctype>
#include <deque>

namespace mx {
namespace {

// "relu_1" -> "relu"; "" if there is no "_N" suffix.
std::string without_call_suffix(const std::string& scope) {
  auto us = scope.rfind('_');
  if (us == std::string::npos || us == 0 || !all_digits(scope.substr(us + 1))) return "";
  return scope.substr(0, us);
}

}  // namespace

ScopedName parse_scoped_name(const std::string& name) {
  ScopedName out;
  if (name.empty() || name[0] != '/') return out;
  out.has_scope = true;
  size_t start = 1;
  for (size_t slash; (slash = name.find('/', start)) != std::string::npos; start = slash + 1)
    out.scopes.push_back(name.substr(start, slash - start));  // the part after the last '/' is the op
  return out;
}

ScopeResolver::ScopeResolver(const std::vector<Module>& modules) : modules_(modules) {
  for (const auto& m : modules) {
    unqualified_.push_back(unqualified_name(m.path));
    other_unqualified_.emplace_back();
    for (const auto& p : m.other_paths) other_unqualified_.back().push_back(unqualified_name(p));
  }
}

// PyTorch names a shared module's scope by its first name wherever the call goes through
// (`/seq/emb/Gemm` for self.seq[0] that is also self.emb): the path below the caller that
// holds the same object is the one the call took.
bool ScopeResolver::names(int64_t m, const std::string& scope) const {
  if (unqualified_[m] == scope) return true;
  for (const auto& other : other_unqualified_[m])
    if (other == scope) return true;
  return false;
}

int64_t ScopeResolver::find_below(int64_t parent, const std::string& scope) const {
  // Breadth first, so the shallowest match wins. First only through modules the trace never
  // called (a called module has its own scope level); then through any, in case the
  // TorchScript file inlined a call that PyTorch's exporter saw.
  for (bool through_called : {false, true}) {
    std::deque<int64_t> queue(modules_[parent].children.begin(), modules_[parent].children.end());
    while (!queue.empty()) {
      int64_t m = queue.front();
      queue.pop_front();
      if (names(m, scope)) return m;
      if (through_called || modules_[m].calls == 0)
        for (int64_t c : modules_[m].children) queue.push_back(c);
    }
  }
  return -1;
}

ScopeResolver::Result ScopeResolver::resolve(const std::vector<std::string>& scopes) const {
  Result r;
  if (modules_.empty()) return r;
  int64_t at = 0;
  for (size_t i = 0; i < scopes.size(); ++i) {
    int64_t next = find_below(at, scopes[i]);
    if (next < 0 && i + 1 == scopes.size()) {
      std::string base = without_call_suffix(scopes[i]);
      if (!base.empty() && (next = find_below(at, base)) >= 0) r.repeated_call = true;
    }
    if (next < 0) return Result{};
    at = next;
  }
  r.module = at;
  return r;
}

}  // namespace mx
