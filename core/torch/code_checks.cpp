// What LibTorch 1.13's source importer (import_source.cpp, define_interface) and its reader
// of the code's debug information (source_range_serialization.cpp) take without checking that
// it is there, checked on the same parse of each record (see code_checks.h).
#include "torch/code_checks.h"

#include <torch/csrc/jit/frontend/parser.h>
#include <torch/csrc/jit/frontend/tree_views.h>
#include <torch/csrc/jit/mobile/type_parser.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/csrc/jit/serialization/source_range_serialization.h>
#include <torch/version.h>

#include <condition_variable>
#include <cctype>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/text.h"
#include "base/torch_archive.h"
#include "torch/tensor_bridge.h"

namespace mx {
namespace {

using namespace torch::jit;

// What is missing, and where, in one record.
struct Missing {
  std::string what;
  SourceRange where;
};

std::string var_name(const Expr& e) { return e.kind() == TK_VAR ? Var(e).name().name() : ""; }

// The string items of `__forward_hooks__ = ["a", "b"]` (none if it is not a list of strings:
// LibTorch refuses that with an error of its own).
std::vector<std::string> listed_names(const Assign& a) {
  std::vector<std::string> names;
  if (!a.rhs().present() || a.rhs().get().kind() != TK_LIST_LITERAL) return names;
  for (const auto& item : ListLiteral(a.rhs().get()).inputs())
    if (item.kind() == TK_STRINGLITERAL) names.push_back(StringLiteral(item).text());
  return names;
}

// A class or module (importClass): its assignments and its hooks, in statement order, as
// LibTorch files a def as a hook only when the hook's list came before it.
void check_class(const ClassDef& c, std::vector<Missing>& out) {
  static const std::set<std::string> lists = {"__parameters__", "__buffers__", "__forward_pre_hooks__",
                                              "__forward_hooks__"};
  const std::string cls = "class '" + c.name().name() + "'";
  std::map<std::string, SourceRange> pre_hooks, hooks;  // listed, and where
  std::set<std::string> defined_pre, defined;
  for (const auto& s : c.body()) {
    if (s.kind() == TK_DEF) {
      const auto name = Def(s).name().name();
      if (pre_hooks.count(name)) defined_pre.insert(name);
      else if (hooks.count(name)) defined.insert(name);
    }
    if (s.kind() != TK_ASSIGN || Assign(s).lhs_list().size() != 1) continue;
    const Assign a(s);
    const std::string name = var_name(a.lhs());
    if (a.lhs().kind() == TK_SUBSCRIPT && !a.rhs().present())
      out.push_back({cls + " declares an attribute by subscript without the type to give it after '='", s.range()});
    if (a.lhs().kind() != TK_VAR || name == "__annotations__") continue;
    if (lists.count(name) && !a.rhs().present())
      out.push_back({cls + " declares '" + name + "' without its list of names", s.range()});
    else if (!lists.count(name) && a.rhs().present() && !a.type().present())
      out.push_back({cls + " sets the constant '" + name + "' without its type (NAME : Final[TYPE] = VALUE)", s.range()});
    if (name == "__forward_pre_hooks__" || name == "__forward_hooks__")
      for (const auto& hook : listed_names(a)) (name == "__forward_hooks__" ? hooks : pre_hooks).emplace(hook, s.range());
  }
  for (const auto* which : {&pre_hooks, &hooks})
    for (const auto& [hook, where] : *which)
      if (!(which == &pre_hooks ? defined_pre : defined).count(hook))
        out.push_back({cls + " lists the hook '" + hook + "' but defines no method of that name after the list", where});
}

void check_named_type(const ClassDef& c, std::vector<Missing>& out) {
  const std::string base = c.superclass().present() ? var_name(c.superclass().get()) : "Module";
  if (base == "Module") return check_class(c, out);
  for (const auto& s : c.body()) {
    if (base == "Interface" || base == "ModuleInterface") {
      if (s.kind() == TK_DEF && Def(s).decl().params().size() == 0)
        out.push_back({"interface '" + c.name().name() + "' declares the method '" + Def(s).name().name() + "' without self",
                       s.range()});
      continue;
    }
    if (s.kind() != TK_ASSIGN || Assign(s).lhs_list().size() != 1) continue;
    const Assign a(s);
    if (base == "NamedTuple" && !a.type().present())
      out.push_back({"NamedTuple '" + c.name().name() + "' has a field without its type", s.range()});
    if (base == "Enum" && !a.rhs().present())
      out.push_back({"Enum '" + c.name().name() + "' has a member without its value", s.range()});
  }
}

// The record parsed as LibTorch's importer parses it (parseSourceIfNeeded): an optional
// op_version_set line, then imports, classes and functions. Where the parser refuses the
// code, the check ends: LibTorch refuses it too, with an error.
std::vector<Missing> missing_in(const std::string& code, const std::string& record) {
  std::vector<Missing> out;
  try {
    Parser p(std::make_shared<Source>(code, record));
    auto& L = p.lexer();
    if (L.cur().kind == TK_IDENT && L.cur().text() == "op_version_set") {
      L.next();
      L.expect('=');
      L.expect(TK_NUMBER);
      L.expect(TK_NEWLINE);
    }
    while (L.cur().kind != TK_EOF) {
      while (L.nextIf(TK_IMPORT)) {
        while (L.cur().kind != TK_NEWLINE && L.cur().kind != TK_EOF) L.next();
        L.expect(TK_NEWLINE);
      }
      if (L.cur().kind == TK_CLASS_DEF) check_named_type(ClassDef(p.parseClass()), out);
      else if (L.cur().kind == TK_DEF) p.parseFunction(/*is_method=*/false);
      else break;
    }
  } catch (const std::exception&) {
  }
  return out;
}

// A source as the debug information's rows give it (SourceRangeDeserializer): by its text,
// or by indices into the string table; "" if LibTorch can read it, else what is wrong.
std::string source_problem(const c10::IValue& v, const std::vector<std::string>& table, bool& crashes) {
  if (!v.isTuple() || v.toTupleRef().elements().size() != 3) return "a source is not a 3-tuple";
  const auto& e = v.toTupleRef().elements();
  if (!e[2].isInt()) return "a source's first line is not an int";
  if (table.empty())
    return e[0].isString() && (e[1].isNone() || e[1].isString()) ? "" : "a source's text or file name is not a string";
  auto in_table = [&](const c10::IValue& i) { return i.isInt() && i.toInt() >= 0 && size_t(i.toInt()) < table.size(); };
  if (!e[0].isIntList() || !e[1].isInt()) return "a source is not a list of line indices and a file name index";
  if (!in_table(e[1])) return crashes = true, "a source's file name index is past its string table";
  // each item by itself: the unpickler makes a list of ints of any list (build_intlist)
  for (const auto& i : e[0].toListRef()) {
    if (!i.isInt()) return "a source's line index is not an int";
    if (!in_table(i)) return crashes = true, "a source's line index " + std::to_string(i.toInt()) + " is past its string table";
  }
  return "";
}

// The whole of a code record's .debug_pkl, unpickled as LibTorch does when it first names
// a place in the code (an error's context, a loop's line): "" if it can, else why not.
// `crashes`: LibTorch would read past the end of a tuple or table (the rest it refuses with an error).
std::string debug_info_problem(const std::string& bytes, bool& crashes) {
  c10::IValue top;
  try {
    top = unpickle(bytes.data(), bytes.size(), nullptr, {}, c10::parseType);
  } catch (const std::exception& e) {
    return message_of(e);
  }
  if (!top.isTuple()) return "it is not a tuple";
  if (top.toTupleRef().elements().empty()) return crashes = true, "it is an empty tuple";
  const auto& e = top.toTupleRef().elements();
  c10::IValue rows = top;
  std::vector<std::string> table;
  if (e[0].isString() && e[0].toStringRef() == std::string(kFormatWithStringTable)) {
    if (e.size() < 3) return crashes = true, "it is not a string table and rows";
    if (!e[1].isTuple() || !e[2].isTuple()) return "it is not a string table and rows";
    for (const auto& s : e[1].toTupleRef().elements()) {
      if (!s.isString()) return "its string table holds a non-string";
      table.push_back(s.toStringRef());
    }
    rows = e[2];
  }
  for (const auto& row : rows.toTupleRef().elements()) {
    if (row.isTuple() && row.toTupleRef().elements().size() < 2) return crashes = true, "a row is not (byte offset, source range, ...)";
    if (!row.isTuple() || !row.toTupleRef().elements()[0].isInt()) return "a row is not (byte offset, source range, ...)";
    const auto& range = row.toTupleRef().elements()[kSourceRangeIndex];
    if (!range.isTuple() || range.toTupleRef().elements().size() != 3) return "a source range is not a 3-tuple";
    const auto& r = range.toTupleRef().elements();
    if (auto problem = source_problem(r[0], table, crashes); !problem.empty()) return problem;
    // (not checked against its source's size: torch.jit.save writes ranges past an empty one)
    if (!r[1].isInt() || !r[2].isInt()) return "a source range's start or end is not an int";
  }
  return "";
}

// code/**/*.py and their .py.debug_pkl, without regard to case (as LibTorch's reader finds records).
bool is_code_or_debug_info(const std::string& name) {
  const std::string n = ascii_lower(name);
  return n.find("/code/") != std::string::npos && (ends_with(n, ".py") || ends_with(n, ".debug_pkl"));
}

// The message for one record's first problem, or ""; `refuse`: one LibTorch would crash on.
std::string problem_in(const std::string& path, const std::string& record, const std::string& bytes, bool& refuse) {
  if (ends_with(ascii_lower(record), ".debug_pkl")) {
    auto problem = debug_info_problem(bytes, refuse);
    return problem.empty() ? "" : "model file '" + path + "' is damaged: the debug information of its code, '" + record +
                                      "', cannot be read: " + problem;
  }
  auto missing = missing_in(bytes, record);
  if (missing.empty()) return "";
  refuse = true;
  const auto& m = missing.front();
  const size_t line = m.where.source()->lineno_for_offset(m.where.start()) + 1;
  return "model file '" + path + "' is damaged: its code '" + record + "', line " + std::to_string(line) + ": " + m.what +
         "; LibTorch " + TORCH_VERSION + " would crash importing it";
}

// File -> its debug information's problem ("" if none), for each file checked in this process.
std::mutex debug_problems_mutex;
std::map<std::string, std::string>& debug_problems() {
  static std::map<std::string, std::string> problems;
  return problems;
}

}  // namespace

// Each record in the order of contents.records (its name), with the bytes LibTorch's reader
// reads it from; a record is checked by whichever thread claims it first.
struct CodeChecks::State {
  struct Record {
    const std::string* name;
    const std::string* bytes;
    bool code;               // code/*.py (else its debug information)
    uint64_t begin, end;     // its stored bytes in the file; begin == end: not found in the directory
  };
  enum : char { kUnclaimed, kChecking, kDone };
  std::string path;
  std::vector<Record> records;
  std::vector<std::string> problems;
  std::vector<char> refuse, state;
  std::exception_ptr failed;  // out of memory while checking
  std::mutex mutex;
  std::condition_variable done;

  bool claim(size_t i) {
    std::lock_guard<std::mutex> lock(mutex);
    if (state[i] != kUnclaimed) return false;
    state[i] = kChecking;
    return true;
  }
  void check(size_t i) {  // claimed by this thread
    std::string problem;
    bool r = false;
    std::exception_ptr e;
    try {
      problem = problem_in(path, *records[i].name, *records[i].bytes, r);
    } catch (...) {
      e = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex);
    problems[i] = std::move(problem), refuse[i] = r, state[i] = kDone;
    if (e && !failed) failed = e;
    done.notify_all();
  }
  // Checked (here if nobody has begun it) and safe for LibTorch to read.
  bool ensure(size_t i) {
    if (claim(i)) check(i);
    std::unique_lock<std::mutex> lock(mutex);
    done.wait(lock, [&] { return state[i] == kDone; });
    return !refuse[i] && !failed;
  }
};

CodeChecks::CodeChecks(const std::string& path, const ArchiveContents& contents) : state_(std::make_shared<State>()) {
  auto& st = *state_;
  st.path = path;
  for (const auto& [name, bytes] : contents.records) {
    if (!is_code_or_debug_info(name)) continue;
    const bool code = !ends_with(ascii_lower(name), ".debug_pkl");
    auto at = contents.directory.find(name);
    const uint64_t begin = at == contents.directory.end() ? 0 : at->second.data_offset;
    const uint64_t end = at == contents.directory.end() ? 0 : begin + at->second.stored_size;
    st.records.push_back({&name, &bytes, code, begin, end});
  }
  const size_t n = st.records.size();
  st.problems.resize(n), st.refuse.assign(n, 0), st.state.assign(n, State::kUnclaimed);
  // The code, beside the rest: parsing it is most of these checks (70 of 110 ms for RAFT's 186
  // code records, whose load takes 1.4 s), and the load reads each record only when it needs it.
  helper_ = std::thread([state = state_] {
    for (size_t i = 0; i < state->records.size(); ++i)
      if (state->records[i].code && state->claim(i)) state->check(i);
  });
  // Here: the debug information, which the load's errors may unpickle anywhere (it must be
  // known before the load: debug_info_problem), and a code record the reader cannot tell by its bytes.
  try {
    bool refused = false;
    for (size_t i = 0; i < n; ++i)
      if ((!st.records[i].code || st.records[i].begin == st.records[i].end) && !st.ensure(i)) refused = true;
    if (refused) finish();  // throws the first problem in record order
    std::string debug_problem;
    for (size_t i = 0; i < n && debug_problem.empty(); ++i)
      if (!st.records[i].code) debug_problem = st.problems[i];
    std::lock_guard<std::mutex> lock(debug_problems_mutex);
    debug_problems()[path] = debug_problem;
  } catch (...) {  // (out of memory): no destructor runs for an object not made, so the thread is joined here
    if (helper_.joinable()) helper_.join();
    throw;
  }
}

CodeChecks::~CodeChecks() {
  if (helper_.joinable()) helper_.join();
}

std::function<bool(uint64_t, size_t)> CodeChecks::gate() const {
  return [state = state_](uint64_t pos, size_t n) {
    try {
      for (size_t i = 0; i < state->records.size(); ++i) {
        const auto& r = state->records[i];
        if (r.code && r.begin < pos + n && pos < r.end && !state->ensure(i)) return false;
      }
      return true;
    } catch (...) {  // (a lock that fails): not read rather than read unchecked
      return false;
    }
  };
}

void CodeChecks::finish() {
  auto& st = *state_;
  for (size_t i = 0; i < st.records.size(); ++i) st.ensure(i);
  if (helper_.joinable()) helper_.join();
  if (st.failed) std::rethrow_exception(st.failed);
  for (size_t i = 0; i < st.records.size(); ++i)  // the first in record order, whichever thread found it
    if (!st.problems[i].empty() && st.refuse[i]) throw Error(st.problems[i]);
}

void check_model_code(const std::string& path, const ArchiveContents& contents) {
  CodeChecks checks(path, contents);
  checks.finish();
}

std::string debug_info_problem(const std::string& path) {
  std::lock_guard<std::mutex> lock(debug_problems_mutex);
  auto it = debug_problems().find(path);
  return it == debug_problems().end() ? "" : it->second;
}

}  // namespace mx
