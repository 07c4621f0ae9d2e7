// Binding named example tensors and --arg constants to forward's arguments (see forward_args.h).
#include "torch/forward_args.h"

#include <cmath>
#include <map>
#include <sstream>

#include "base/checked_number.h"
#include "base/error.h"

namespace mx {
namespace {

using c10::TypeKind;

// How an argument is fed: by one tensor, by several (the items of a container), or by a
// constant; anything else only by its default.
enum class Form { Tensor, OptionalTensor, List, Tuple, Dict, Constant, Unsupported };

bool is_tensor(const c10::TypePtr& t) { return t->kind() == TypeKind::TensorType; }

bool is_container(Form f) { return f == Form::List || f == Form::Tuple || f == Form::Dict; }

Form form_of(const c10::TypePtr& t) {
  switch (t->kind()) {
    case TypeKind::TensorType: return Form::Tensor;
    case TypeKind::OptionalType: {
      auto e = t->expectRef<c10::OptionalType>().getElementType();
      if (is_tensor(e)) return Form::OptionalTensor;
      // Optional[Tuple[Tensor, Tensor]] (a scripted LSTM's hx): given, it is fed as the
      // container; left out, None (finish).
      Form f = form_of(e);
      return f == Form::Constant || is_container(f) ? f : Form::Unsupported;
    }
    case TypeKind::ListType:
      return is_tensor(t->expectRef<c10::ListType>().getElementType()) ? Form::List : Form::Unsupported;
    case TypeKind::TupleType:
      for (const auto& e : t->expectRef<c10::TupleType>().elements())
        if (!is_tensor(e)) return Form::Unsupported;
      return Form::Tuple;
    case TypeKind::DictType: {
      const auto& d = t->expectRef<c10::DictType>();
      return d.getKeyType()->kind() == TypeKind::StringType && is_tensor(d.getValueType()) ? Form::Dict
                                                                                           : Form::Unsupported;
    }
    case TypeKind::IntType:
    case TypeKind::FloatType:
    case TypeKind::BoolType:
    case TypeKind::StringType:
    case TypeKind::NoneType: return Form::Constant;
    default: return Form::Unsupported;
  }
}

// As Python spells the value (the sidecar records it so).
std::string show(const c10::IValue& v) {
  if (v.isNone()) return "None";
  if (v.isBool()) return v.toBool() ? "True" : "False";
  if (v.isString()) return v.toStringRef();
  std::ostringstream out;
  out << v;
  return out.str();
}

// "--input NAME:DTYPE:DIMS", "--input NAME.0:DTYPE:DIMS ...": how to give an argument.
std::string how_to_give(const c10::Argument& a, Form f) {
  const std::string& n = a.name();
  switch (f) {
    case Form::Tensor:
    case Form::OptionalTensor: return "--input " + n + ":DTYPE:DIMS";
    case Form::List:
    case Form::Tuple: return "one --input per item, " + n + ".0:DTYPE:DIMS, " + n + ".1:DTYPE:DIMS, ...";
    case Form::Dict: return "one --input per item, " + n + ".KEY:DTYPE:DIMS";
    case Form::Constant: return "--arg " + n + "=VALUE";
    default: return "nothing: modelexport feeds tensors, lists, tuples and dicts of tensors, numbers, bools and strings";
  }
}

c10::IValue parse_constant(const c10::TypePtr& t, const ArgSpec& a, const std::string& who) {
  auto fail = [&](const std::string& why) {
    return Error(who + "--arg " + a.name + "=" + a.value + ": forward's argument '" + a.name + "' is " +
                 t->annotation_str() + " and '" + a.value + "' " + why);
  };
  if (t->kind() == TypeKind::OptionalType) {
    if (a.value == "None") return c10::IValue();
    return parse_constant(t->expectRef<c10::OptionalType>().getElementType(), a, who);
  }
  switch (t->kind()) {
    case TypeKind::IntType: {
      auto v = to_int64(a.value);
      if (!v) throw fail("is not a whole number (" + int64_problem(a.value) + ")");
      return *v;
    }
    case TypeKind::FloatType: {
      char* end = nullptr;
      double d = std::strtod(a.value.c_str(), &end);
      if (a.value.empty() || end != a.value.c_str() + a.value.size() || !std::isfinite(d))
        throw fail("is not a finite number");
      return d;
    }
    case TypeKind::BoolType:
      if (a.value == "true" || a.value == "True" || a.value == "1") return true;
      if (a.value == "false" || a.value == "False" || a.value == "0") return false;
      throw fail("is not true or false");
    case TypeKind::NoneType:
      if (a.value == "None") return c10::IValue();
      throw fail("is not None");
    default: return a.value;  // str
  }
}

class Binder {
 public:
  Binder(const c10::FunctionSchema& s, const std::vector<at::Tensor>& tensors, const std::string& model_path)
      : tensors_(tensors), who_("model '" + model_path + "': ") {
    for (size_t i = 1; i < s.arguments().size(); ++i) args_.push_back(&s.arguments()[i]);
    call_.args.resize(args_.size());
    set_.assign(args_.size(), 0);
  }

  void constants(const std::vector<ArgSpec>& given) {
    for (const auto& a : given) {
      int64_t i = find(a.name);
      if (i < 0) throw Error(who_ + "--arg " + a.name + ": forward has no argument '" + a.name + "' (" + listing() + ")");
      Form f = form_of(type(i));
      if (f != Form::Constant)
        throw Error(who_ + "--arg " + a.name + ": forward's argument '" + a.name + "' is " + type(i)->annotation_str() +
                    ", not a number, bool or string: give it with " + how_to_give(*args_[i], f));
      if (set_[i]) throw Error(who_ + "--arg " + a.name + " is given twice");
      call_.args[i] = parse_constant(type(i), a, who_);
      set_[i] = 1;
      call_.constants.push_back({a.name, type(i)->annotation_str(), show(call_.args[i]), false});
    }
  }

  // True if every name names a tensor argument, or an item of a container argument (an
  // argument of another type, a PackedSequence say, takes no tensor by its name).
  bool names_arguments(const std::vector<std::string>& names) const {
    if (names.empty()) return false;
    for (const auto& n : names) {
      auto [i, item] = split(n);
      if (i < 0) return false;
      Form f = form(i);
      if (item.empty() ? f != Form::Tensor && f != Form::OptionalTensor : !is_container(f)) return false;
    }
    return true;
  }

  void by_name(const std::vector<std::string>& names) {
    std::map<int64_t, std::vector<std::pair<std::string, size_t>>> items;  // container -> (item, tensor)
    for (size_t k = 0; k < names.size(); ++k) {
      auto [i, item] = split(names[k]);
      if (set_[i] && item.empty()) throw Error(who_ + "input '" + names[k] + "' is given twice");
      if (item.empty()) {
        call_.args[i] = tensors_[k];
        set_[i] = 1;
        call_.inputs.push_back({names[k], static_cast<size_t>(i), -1});
        continue;
      }
      auto& list = items[i];
      for (const auto& [other, unused] : list)
        if (other == item) throw Error(who_ + "input '" + names[k] + "' is given twice");
      int64_t element = static_cast<int64_t>(list.size());  // a dict's insertion order
      if (form(i) != Form::Dict) element = item_index(i, names[k], item);
      call_.inputs.push_back({names[k], static_cast<size_t>(i), element});
      list.emplace_back(item, k);
    }
    for (const auto& [i, list] : items) container(i, list);
  }

  void in_order(const std::vector<std::string>& names) {
    size_t k = 0;
    for (size_t i = 0; i < args_.size() && k < tensors_.size(); ++i) {
      Form f = form(i);
      if (set_[i] || f == Form::Constant) continue;
      if (f != Form::Tensor && f != Form::OptionalTensor)
        throw Error(who_ + "forward's argument '" + args_[i]->name() + "' is " + type(i)->annotation_str() +
                    "; give it with " + how_to_give(*args_[i], f) + " (inputs named by forward's arguments)");
      std::string name = k < names.size() && !names[k].empty() ? names[k] : args_[i]->name();
      int64_t other = find(name);
      if (other >= 0 && other != static_cast<int64_t>(i))
        throw Error(who_ + "input '" + name + "' is given where forward takes '" + args_[i]->name() +
                    "': name every input by forward's arguments (" + listing() + "), or none");
      call_.args[i] = tensors_[k];
      set_[i] = 1;
      call_.inputs.push_back({name, i, -1});
      ++k;
    }
    size_t wanted = 0;
    std::string tensor_args;
    for (size_t i = 0; i < args_.size(); ++i)
      if (form(i) == Form::Tensor || (form(i) == Form::OptionalTensor && !args_[i]->default_value())) {
        ++wanted;
        tensor_args += (tensor_args.empty() ? "" : ", ") + args_[i]->name();
      }
    bool missing = false;
    for (size_t i = 0; i < args_.size(); ++i) missing = missing || (!set_[i] && form(i) == Form::Tensor && !args_[i]->default_value());
    if (k < tensors_.size() || missing)
      throw Error(who_ + "forward takes " + std::to_string(wanted) + " input(s) (" + tensor_args + ") but " +
                  std::to_string(tensors_.size()) + " were given with --input");
  }

  // Arguments not given take their defaults; an Optional one without a default is None.
  ForwardCall finish() {
    for (size_t i = 0; i < args_.size(); ++i) {
      if (set_[i]) continue;
      const auto& a = *args_[i];
      if (a.default_value()) {
        call_.args[i] = *a.default_value();
      } else if (type(i)->kind() == TypeKind::OptionalType) {
        call_.args[i] = c10::IValue();
      } else {
        throw Error(who_ + "forward's argument '" + a.name() + "' (" + type(i)->annotation_str() +
                    ") has no default: give it with " + how_to_give(a, form(i)));
      }
      call_.constants.push_back({a.name(), type(i)->annotation_str(), show(call_.args[i]), true});
    }
    return std::move(call_);
  }

 private:
  const c10::TypePtr& type(size_t i) const { return args_[i]->type(); }
  // The type of what is given: Optional[T]'s T.
  c10::TypePtr given_type(size_t i) const {
    const auto& t = type(i);
    return t->kind() == TypeKind::OptionalType ? t->expectRef<c10::OptionalType>().getElementType() : t;
  }
  Form form(size_t i) const { return form_of(type(i)); }

  int64_t find(const std::string& name) const {
    for (size_t i = 0; i < args_.size(); ++i)
      if (args_[i]->name() == name) return static_cast<int64_t>(i);
    return -1;
  }

  // "xs.0" -> (xs's index, "0"); a name that is an argument's whole name has no item.
  std::pair<int64_t, std::string> split(const std::string& name) const {
    if (int64_t i = find(name); i >= 0) return {i, ""};
    auto dot = name.find('.');
    if (dot == std::string::npos || dot + 1 == name.size()) return {-1, ""};
    return {find(name.substr(0, dot)), name.substr(dot + 1)};
  }

  int64_t item_index(size_t i, const std::string& name, const std::string& item) const {
    auto v = to_int64(item, 0, INT32_MAX);
    if (!v)
      throw Error(who_ + "input '" + name + "': forward's argument '" + args_[i]->name() + "' is " +
                  type(i)->annotation_str() + ", whose items are numbered: " + args_[i]->name() + ".0, " +
                  args_[i]->name() + ".1, ...");
    return *v;
  }

  void container(int64_t i, const std::vector<std::pair<std::string, size_t>>& list) {
    const std::string& n = args_[i]->name();
    Form f = form(i);
    if (f == Form::Dict) {
      c10::Dict<std::string, at::Tensor> d;
      for (const auto& [key, k] : list) d.insert(key, tensors_[k]);
      call_.args[i] = d;
    } else {
      size_t count = f == Form::Tuple ? given_type(i)->expectRef<c10::TupleType>().elements().size() : list.size();
      std::vector<at::Tensor> ordered(count);
      std::vector<char> seen(count, 0);
      for (const auto& [item, k] : list) {
        auto at = static_cast<size_t>(*to_int64(item));
        if (at >= count)
          throw Error(who_ + "input '" + n + "." + item + "': forward's argument '" + n + "' (" +
                      type(i)->annotation_str() + ") is given " + std::to_string(list.size()) +
                      " item(s), so its items are " + n + ".0 to " + n + "." + std::to_string(count - 1));
        ordered[at] = tensors_[k];
        seen[at] = 1;
      }
      for (size_t at = 0; at < count; ++at)
        if (!seen[at])
          throw Error(who_ + "forward's argument '" + n + "' (" + type(i)->annotation_str() + ") has no item " +
                      std::to_string(at) + ": give it with --input " + n + "." + std::to_string(at) + ":DTYPE:DIMS");
      if (f == Form::Tuple)
        call_.args[i] = c10::ivalue::Tuple::create(std::vector<c10::IValue>(ordered.begin(), ordered.end()));
      else
        call_.args[i] = c10::List<at::Tensor>(ordered);
    }
    set_[i] = 1;
  }

  std::string listing() const {
    std::string out = "forward takes ";
    for (size_t i = 0; i < args_.size(); ++i)
      out += (i ? ", " : "") + args_[i]->name() + ": " + type(i)->annotation_str();
    return args_.empty() ? "forward takes no arguments" : out;
  }

  const std::vector<at::Tensor>& tensors_;
  std::string who_;
  std::vector<const c10::Argument*> args_;
  std::vector<char> set_;
  ForwardCall call_;
};

}  // namespace

ForwardCall bind_forward(const c10::FunctionSchema& forward, const std::vector<std::string>& names,
                         const std::vector<at::Tensor>& tensors, const std::vector<ArgSpec>& args,
                         const std::string& model_path) {
  Binder b(forward, tensors, model_path);
  b.constants(args);
  std::vector<std::string> padded = names;
  padded.resize(tensors.size());
  if (b.names_arguments(padded))
    b.by_name(padded);
  else
    b.in_order(padded);
  return b.finish();
}

}  // namespace mx
