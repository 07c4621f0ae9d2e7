// Choosing the method that plays forward (see forward_method.h).
#include "torch/forward_method.h"

#include "base/error.h"

namespace mx {

namespace jit = torch::jit;

namespace {

// forward, or forward__0, forward__1, ... in order (TorchScript numbers the overloads
// as the class declares them).
std::vector<jit::Function*> candidates(const jit::Module& root) {
  if (auto m = root.find_method("forward")) return {&m->function()};
  std::vector<jit::Function*> out;
  for (size_t i = 0;; ++i) {
    auto m = root.find_method("forward__" + std::to_string(i));
    if (!m) break;
    out.push_back(&m->function());
  }
  return out;
}

// "forward__0(input: Tensor, hx: Optional[Tensor])"
std::string signature(const jit::Function& f) {
  std::string out = f.name() + "(";
  const auto& a = f.getSchema().arguments();
  for (size_t i = 1; i < a.size(); ++i) out += (i > 1 ? ", " : "") + a[i].name() + ": " + a[i].type()->annotation_str();
  return out + ")";
}

// The advice for inputs that bind to overloads `a` and `b` alike: by name where their
// arguments' names differ, else by type ("scale: float in forward__0, int in forward__1").
std::string advice(const jit::Function& a, const jit::Function& b) {
  const auto& x = a.getSchema().arguments();
  const auto& y = b.getSchema().arguments();
  bool same_names = x.size() == y.size();
  for (size_t i = 1; same_names && i < x.size(); ++i) same_names = x[i].name() == y[i].name();
  if (!same_names) return "name the inputs by one overload's arguments";
  std::string differ;
  for (size_t i = 1; i < x.size(); ++i)
    if (x[i].type()->annotation_str() != y[i].type()->annotation_str())
      differ += (differ.empty() ? "" : "; ") + x[i].name() + ": " + x[i].type()->annotation_str() + " in " + a.name() +
                ", " + y[i].type()->annotation_str() + " in " + b.name();
  return "both take the same argument names and differ only in type (" + differ +
         "): give such an argument an input or --arg NAME=VALUE that only one of those types takes";
}

}  // namespace

bool is_forward_name(const std::string& name) { return name == "forward" || name.rfind("forward__", 0) == 0; }

bool enters_module(const std::string& method) {
  const size_t n = std::string("forward").size();
  return is_forward_name(method) || (method.size() > n && method.rfind("forward", 0) == 0 &&
                                     method.find_first_not_of("0123456789", n) == std::string::npos);
}

std::vector<jit::Graph*> forward_graphs(const jit::Module& root) {
  std::vector<jit::Graph*> out;
  for (auto* f : candidates(root)) out.push_back(jit::toGraphFunction(*f).graph().get());
  return out;
}

ChosenForward choose_forward(const jit::Module& root, const std::vector<std::string>& names,
                             const std::vector<at::Tensor>& tensors, const std::vector<ArgSpec>& args,
                             const std::string& model_path) {
  auto all = candidates(root);
  const std::string who = "model '" + model_path + "': ";
  if (all.empty()) throw Error(who + "its top-level module (" + root.type()->name()->name() + ") has no forward method");
  if (all.size() == 1 && all[0]->name() == "forward")
    return {all[0], bind_forward(all[0]->getSchema(), names, tensors, args, model_path)};
  std::vector<ChosenForward> bound;
  std::string listing, first_problem;
  for (auto* f : all) {
    listing += (listing.empty() ? "" : ", ") + signature(*f);
    try {
      bound.push_back({f, bind_forward(f->getSchema(), names, tensors, args, model_path)});
    } catch (const Error& e) {
      std::string what = e.what();  // bind_forward's text, which names the model too
      if (what.rfind(who, 0) == 0) what = what.substr(who.size());
      if (first_problem.empty()) first_problem = what;
    }
  }
  if (bound.size() == 1) return std::move(bound[0]);
  const std::string overloads = "forward is overloaded (" + listing + ")";
  if (bound.empty())
    throw Error(who + overloads + " and the inputs given bind to none of them; for " + all[0]->name() + ": " +
                first_problem);
  throw Error(who + overloads + " and the inputs given bind to " + bound[0].method->name() + " and " +
              bound[1].method->name() + " alike: " + advice(*bound[0].method, *bound[1].method));
}

}  // namespace mx
