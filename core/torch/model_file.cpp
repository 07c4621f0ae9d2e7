// Loading a TorchScript file with one clear message for each way it can fail.
#include "torch/model_file.h"

#include <torch/csrc/jit/frontend/error_report.h>
#include <torch/version.h>

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "base/error.h"
#include "base/input_file.h"
#include "base/text.h"
#include "base/torch_archive.h"
#include "torch/code_checks.h"
#include "torch/tensor_bridge.h"
#include "torch/newer_ops.h"
#include "torch/parallel_reader.h"
#include "torch/quantized_conv_rewrite.h"
#include "torch/torchvision_ops.h"
#include "torch/upgraders.h"
#include "torch/tensor_checks.h"

namespace mx {
namespace {

// The operator a file calls that this LibTorch lacks ("Unknown builtin op: aten::foo."), or "".
std::string unknown_op_in(const std::string& what) {
  const std::string key = "Unknown builtin op: ";
  const auto at = what.find(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  auto end = what.find_first_of(" \n", begin);
  std::string op = what.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  while (!op.empty() && op.back() == '.') op.pop_back();
  return op;
}

Error load_error(const std::string& path, const std::exception& e) {
  // the message of LibTorch's compiler names the code's place through the debug information
  if (dynamic_cast<const torch::jit::ErrorReport*>(&e) && !debug_info_problem(path).empty())
    return Error(debug_info_problem(path));
  const std::string op = unknown_op_in(e.what());
  if (op.empty()) return Error("model file '" + path + "' is not a TorchScript file that LibTorch can load: " + message_of(e));
  std::string provided;
  for (const auto& name : newer_op_names()) provided += (provided.empty() ? "" : ", ") + name;
  return Error("model file '" + path + "' calls " + op + ", which LibTorch " + TORCH_VERSION +
               " does not have: the file was written by a newer PyTorch. Of the newer operators, modelexport "
               "provides " + provided);
}

// The file as stat sees it: the same path, device, inode, size and change times.
struct FileIdentity {
  std::string path;
  struct stat st {};
  bool same(const FileIdentity& o) const {
    return path == o.path && st.st_dev == o.st.st_dev && st.st_ino == o.st.st_ino && st.st_size == o.st.st_size &&
           st.st_mtim.tv_sec == o.st.st_mtim.tv_sec && st.st_mtim.tv_nsec == o.st.st_mtim.tv_nsec &&
           st.st_ctim.tv_sec == o.st.st_ctim.tv_sec && st.st_ctim.tv_nsec == o.st.st_ctim.tv_nsec;
  }
};

std::optional<FileIdentity> identity_of(const std::string& path) {
  FileIdentity id{path};
  if (::stat(path.c_str(), &id.st) != 0) return std::nullopt;
  return id;
}

// What prepare_torch_load read, for the load of the same file that follows it.
std::mutex prepared_mutex;
struct Prepared {
  FileIdentity id;
  ArchiveContents contents;
};
std::unique_ptr<Prepared> prepared;

// The file's contents: those prepare_torch_load read if the file is still the one it read
// (taken: a later load reads again), else read now.
ArchiveContents contents_of(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(prepared_mutex);
    std::unique_ptr<Prepared> handed = std::move(prepared);
    auto now = identity_of(path);
    if (handed && now && now->same(handed->id)) return std::move(handed->contents);
  }
  return read_archive_contents(path);
}

// Where LibTorch must read a NUL so that it cannot find the code's debug records, when their
// debug information cannot be read: LibTorch then names places in the code by its text, as for
// a file saved without it. Why: its compiler formats some errors inside itself
// (ErrorReport::what(), noexcept), which unpickles that information, and an unpickler error
// there ended the process (a fuzzer's find); load_error reports the problem instead.
std::vector<uint64_t> debug_records_hidden(const std::string& path, const ArchiveContents& contents) {
  std::vector<uint64_t> at;
  if (debug_info_problem(path).empty()) return at;
  for (const auto& [name, record] : contents.directory)
    if (ends_with(ascii_lower(name), ".debug_pkl")) at.push_back(record.name_offset + name.size() - 1);
  return at;
}

}  // namespace

void prepare_torch_load(const std::string& path) {
  std::unique_ptr<Prepared> read;
  try {
    auto id = identity_of(path);
    if (id && S_ISREG(id->st.st_mode)) read.reset(new Prepared{std::move(*id), read_archive_contents(path)});
  } catch (...) {  // the load reads it again and names what is wrong
  }
  prepare_upgraders(path, read ? &read->contents : nullptr);
  std::lock_guard<std::mutex> lock(prepared_mutex);
  prepared = std::move(read);
}

torch::jit::Module load_module(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("model file '" + path + "' does not exist");
  check_regular_input(path, "model file");
  // One read of the directory and of the records LibTorch parses, for every check below.
  ArchiveContents contents;
  try {
    contents = contents_of(path);
  } catch (const std::exception& e) {
    throw load_error(path, e);
  }
  check_upgraders_for(path, contents);
  torch::jit::Module m;
  try {
    check_torch_archive(contents, path);  // LibTorch's reader trusts the archive's sizes and lengths
  } catch (const std::exception& e) {
    throw load_error(path, e);
  }
  // LibTorch 1.13's importer crashes on some parts missing from a class: each code record is
  // checked before the load reads it, beside the load (see code_checks.h).
  CodeChecks code(path, contents);
  try {
    register_newer_ops();            // files of torch 2.x may call them
    register_torchvision_ops();      // traced detection models call torchvision::nms, roi_align, ...
    LoadingModel loading;  // see quantized_conv_rewrite.h
    m = torch::jit::load(std::make_shared<ParallelFileReader>(path, debug_records_hidden(path, contents), code.gate()));
    m.eval();
  } catch (const std::exception& e) {
    code.finish();  // a record LibTorch would have crashed on is named, whatever the load said
    throw load_error(path, e);
  }
  code.finish();
  check_module_tensors(m, path, contents.directory);  // before anything reads a tensor's bytes
  return m;
}

TorchModel::TorchModel(const std::string& path)
    : path_(path), module_(std::make_unique<Module>(Module{load_module(path)})) {}
TorchModel::~TorchModel() = default;

}  // namespace mx
