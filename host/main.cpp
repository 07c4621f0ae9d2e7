// `modelexport COMMAND ...`: dispatch to a subcommand. The commands that load a model
// (export, compare, tag) live in a module loaded on first use, so that the others never
// pay LibTorch's start-up.
#include <cstdlib>
#include <exception>
#include <new>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "base/error.h"

namespace {

constexpr const char* kUsage = R"(usage: modelexport COMMAND [OPTIONS]

Exports PyTorch models (TorchScript files) to ONNX and writes on every ONNX node the
PyTorch module it came from (node metadata `modelexport.tag`, plus a sidecar JSON).

commands:
  export MODEL.pt OUT.onnx   export a model, tagging nodes with a strategy plugin
  compare MODEL.pt           tag one conversion with several strategies, side by side
  plugins                    list the tagging strategies found in the plugin folders
  tags FILE.onnx [SUB]       read the tags back: tree, stats, query PATTERN, validate, html
  extract FILE.onnx -o OUT   cut a module (--module, --tag, --all-of) out as an ONNX model
  tag FOREIGN.onnx -o OUT    tag a torch.onnx.export file (torch 1.x files: with --model MODEL.pt)
  profile FILE.onnx PROF     an ONNX Runtime profile folded into the module tree
  ops                        list the aten operators we convert, with opsets and sources

Run `modelexport COMMAND --help` for a command's options. `--verbose` on any command (or
MODELEXPORT_VERBOSE=1) also shows a library's whole message (e.g. LibTorch's backtrace) when
something fails inside it.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::string command = args.front();
  args.erase(args.begin());
  bool verbose = false;  // `plugins --verbose` has a meaning of its own, and keeps the flag
  if (command != "plugins")
    for (auto it = args.begin(); it != args.end();)
      it = *it == "--verbose" ? (verbose = true, args.erase(it)) : it + 1;
  if (verbose) ::setenv("MODELEXPORT_VERBOSE", "1", 1);  // for the torch commands module too
  try {
    if (command == "-h" || command == "--help" || command == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (command == "export" || command == "compare" || command == "tag")
      return mx::cli::run_torch_command(command, args);
    if (command == "plugins") return mx::cli::plugins_command(args);
    if (command == "tags") return mx::cli::tags_command(args);
    if (command == "extract") return mx::cli::extract_command(args);
    if (command == "profile") return mx::cli::profile_command(args);
    if (command == "ops") return mx::cli::ops_command(args);
    std::cerr << "modelexport: error: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
  } catch (const std::bad_alloc&) {
    return mx::cli::fail_out_of_memory(command);
  } catch (const std::exception& e) {  // not one of ours (mx::Error is caught by each command)
    return mx::cli::fail(verbose ? std::string(e.what()) : mx::first_line(e.what()) + " (--verbose shows more)");
  }
}
