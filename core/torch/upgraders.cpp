// LibTorch's operator upgraders, built only for a file that may call an upgraded operator.
//
// Why: torch::jit::load first builds the graphs of every operator upgrader (the code that
// gives a file written before an operator changed its old meaning: aten::div before file
// format 4, gelu before 10, ...), 15 to 20 ms per process, about an eighth of a small model's
// export. A file needs one only if it calls an operator that changed after the file's format
// version; most files call none. LibTorch decides this per operator while it compiles the
// file's code and stops with an internal error if the upgrader it wants is missing, so a
// wrong "not needed" here would fail the load loudly, never change a result.
#include "torch/upgraders.h"

#include <c10/macros/Export.h>

#include <cctype>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/text.h"
#include "base/torch_archive.h"

// LibTorch 1.13 exports these but does not install their headers
// (torch/csrc/jit/operator_upgraders/{upgraders_entry,upgraders,version_map}.h).
namespace torch::jit {
struct Graph;
struct UpgraderEntry {
  int bumped_at_version;
  std::string upgrader_name;
  std::string old_schema;
};
TORCH_API void populate_upgraders_graph_map();
TORCH_API void populate_upgraders_map(std::unordered_map<std::string, std::shared_ptr<Graph>>&& content);
TORCH_API const std::unordered_map<std::string, std::vector<UpgraderEntry>>& get_operator_version_map();
}  // namespace torch::jit

namespace mx {
namespace {

bool skipped = false;  // the process's upgraders were left empty (for `skipped_for`)
std::string skipped_for;

// The archive's format version ("ROOT/version", "ROOT/.data/version": the smaller if both
// are there), or -1 if it has none that reads as a number.
long file_version(const std::map<std::string, std::string>& records) {
  long version = -1;
  for (const auto& [name, bytes] : records) {
    if (!ends_with(ascii_lower(name), "/version")) continue;
    long v = 0;
    size_t digits = 0;
    for (char c : bytes) {
      if (!std::isdigit(static_cast<unsigned char>(c))) break;
      if (++digits > 9) return -1;
      v = v * 10 + (c - '0');
    }
    if (digits == 0) return -1;
    if (version < 0 || v < version) version = v;
  }
  return version;
}

// "aten::div_.Tensor" -> "div": the name the file's Python-like code calls it by.
std::string code_name(const std::string& schema_name) {
  std::string n = schema_name.substr(schema_name.find("::") == std::string::npos ? 0 : schema_name.find("::") + 2);
  n = n.substr(0, n.find('.'));
  while (!n.empty() && n.back() == '_') n.pop_back();
  return n;
}

// Names an operator newer than `version` may appear under in the file's code. `/` and `/=`
// are aten::div in TorchScript, so div also looks for the character.
std::set<std::string> upgraded_names(long version) {
  std::set<std::string> names;
  for (const auto& [op, entries] : torch::jit::get_operator_version_map())
    for (const auto& e : entries)
      if (version < e.bumped_at_version) {
        names.insert(code_name(op));
        if (code_name(op) == "div") names.insert("/");
      }
  return names;
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `name` (or `name_`, its in-place form) as a whole identifier in `code` ("torch.full(" and
// "x.div_(", not "_is_full_backward_hook", which every module's code declares); "/" anywhere.
bool calls(const std::string& code, const std::string& name) {
  if (!identifier_char(name[0])) return code.find(name) != std::string::npos;
  for (size_t at = code.find(name); at != std::string::npos; at = code.find(name, at + 1)) {
    if (at > 0 && identifier_char(code[at - 1])) continue;
    size_t end = at + name.size();
    while (end < code.size() && code[end] == '_') ++end;
    if (end == code.size() || !identifier_char(code[end])) return true;
  }
  return false;
}

}  // namespace

bool may_need_upgraders(const ArchiveContents& contents) {
  const long version = file_version(contents.records);
  if (version < 0) return true;
  const auto names = upgraded_names(version);
  if (names.empty()) return false;
  for (const auto& [name, code] : contents.records) {
    if (!ends_with(ascii_lower(name), ".py")) continue;  // the code (contents holds no other .py)
    for (const auto& n : names)
      if (calls(code, n)) return true;
  }
  return false;
}

bool may_need_upgraders(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return true;  // the load refuses it by its type
  try {
    return may_need_upgraders(read_archive_contents(path));
  } catch (...) {  // a damaged file: the load's own checks name what is wrong
    return true;
  }
}

void prepare_upgraders(const std::string& path, const ArchiveContents* contents) {
  try {
    if (contents && !may_need_upgraders(*contents)) {
      torch::jit::populate_upgraders_map({});  // marks them built: torch::jit::load builds none
      skipped = true;
      skipped_for = path;
      return;
    }
    torch::jit::populate_upgraders_graph_map();
  } catch (...) {  // then torch::jit::load's own call meets the problem, and load_module names it
  }
}

void check_upgraders_for(const std::string& path, const ArchiveContents& contents) {
  if (!skipped || path == skipped_for || !may_need_upgraders(contents)) return;
  throw Error("model file '" + path + "' may call an operator whose meaning changed after the file was written, and "
              "this process left out LibTorch's upgraders for such operators when it loaded '" + skipped_for +
              "': load it in a process of its own");
}

}  // namespace mx
