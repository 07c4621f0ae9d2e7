// Checks on the code of a TorchScript file before LibTorch 1.13 imports it: its importer takes
// parts of a class's parsed source on trust and reads past the end of a tree where they are
// missing (a crash, not an error). Later PyTorch checks some of these itself.
// (LibTorch code: torch/ only.)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "base/torch_archive.h"

namespace mx {

// Throws mx::Error naming `path`, the code record, its line and what is missing, for each
// class in the file's code/*.py records that LibTorch 1.13 would crash on importing: a class
// constant without its type, __parameters__/__buffers__/hook lists or `__annotations__[..]`
// without their value, a hook listed but never defined after the list, a NamedTuple field
// without its type, an Enum member without its value, an interface method without `self`.
// Code LibTorch's parser refuses is left to LibTorch, which reports it as an error.
// Its debug information (code/*.py.debug_pkl) is read too, as LibTorch 1.13 reads it, and
// refused where LibTorch would read past a tuple or table; the rest is not refused: LibTorch
// reads it only to name a place in the code (an error's context, an if's line), and files of
// torch 2.x hold pickles it cannot unpickle yet load and trace. That is kept for debug_info_problem.
void check_model_code(const std::string& path, const ArchiveContents& contents);

// The same checks beside LibTorch's load of the file, so that the load need not wait for them
// (15 to 20 ms of a small CNN's export): the debug information is checked by the constructor
// (which throws what check_model_code throws for it, and sets debug_info_problem), the code on
// a thread of its own; the load's reader calls gate() before each read, and a read of a code
// record's bytes waits until that record is checked (checking it then if no thread has begun
// it), so that LibTorch parses no record before it passed. `contents` must outlive finish().
class CodeChecks {
 public:
  CodeChecks(const std::string& path, const ArchiveContents& contents);
  ~CodeChecks();  // waits for the thread
  CodeChecks(const CodeChecks&) = delete;
  CodeChecks& operator=(const CodeChecks&) = delete;

  // For the reader of the file: gate()(pos, n) before it reads bytes [pos, pos + n): false if
  // they hold a record that LibTorch would crash on (the read must then fail). Throws nothing;
  // may outlive this object (it keeps the checks' results, not `contents`).
  std::function<bool(uint64_t, size_t)> gate() const;
  // Checks what is left, waits for the thread, and throws as check_model_code does: the first
  // problem in record order, whichever way the load went.
  void finish();

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::thread helper_;
};

// "" if check_model_code found the debug information of `path` readable (or did not check
// it), else the error naming the file and record: to be thrown instead of letting LibTorch
// read it (its reader's error is thrown inside ErrorReport::what(), which is noexcept, and
// some damage it reads unchecked).
std::string debug_info_problem(const std::string& path);

}  // namespace mx
