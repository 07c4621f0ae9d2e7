// `modelexport extract FILE.onnx (--module PATH | --tag TAG | --all-of CLASS) -o OUT`:
// modules of a tagged file as standalone ONNX models.
#include <boost/program_options.hpp>
#include <iostream>

#include "command_line.h"
#include "commands.h"
#include "external_options.h"
#include "base/error.h"
#include "tags/extract.h"
#include "report/tags_json.h"

namespace po = boost::program_options;

namespace mx::cli {
namespace {

constexpr const char* kHelp = R"(usage: modelexport extract FILE.onnx (--module PATH | --tag TAG) -o OUT.onnx [OPTIONS]
       modelexport extract FILE.onnx --all-of CLASS -o DIR [OPTIONS]

Cuts the nodes of one module (and its descendants) out of a tagged ONNX file as a valid,
standalone ONNX model, to run, profile or quantize it alone:
  - inputs are the tensors the module consumes that are produced outside it (initializers
    it uses stay initializers; so do outputs of Constant nodes outside it);
  - outputs are the tensors it produces that are used outside it, or are graph outputs;
  - nodes keep their graph (topological) order and their tags; a module whose nodes form
    several unconnected parts (e.g. one called twice) gives one model with each part.
Writes OUT.onnx and, if FILE.onnx has a sidecar, OUT_hierarchy.json restricted to that
module's subtree. --all-of writes DIR/PATH.onnx for every module of class CLASS (e.g. every
BertLayer), all or none. Module paths are as named_modules() spells them (`layer3.0`,
`encoder.layer.1.attention`); see `modelexport tags FILE.onnx tree`.

options)";

std::string join(const std::vector<std::string>& items, size_t limit) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > limit) out += ", ... (" + std::to_string(items.size() - limit) + " more)";
  return out;
}

void print_one(const TaggedModel& t, const ExtractedModule& e) {
  const auto& mod = t.modules[e.module];
  std::cout << "modelexport: extracted module '" << t.label(e.module) << "' (" << mod.class_name << ", " << mod.tag
            << ") -> " << e.onnx_path << "\n";
  std::vector<std::string> ops;
  for (const auto& [op, n] : e.op_types) ops.push_back(op + " " + std::to_string(n));
  std::cout << "  nodes         " << e.nodes << " (" << join(ops, 8) << "), initializers " << e.initializers << ", "
            << e.regions << (e.regions == 1 ? " connected region" : " unconnected regions") << "\n";
  std::cout << "  inputs        " << e.inputs.size() << ": " << join(e.inputs, 4) << "\n";
  std::cout << "  outputs       " << e.outputs.size() << ": " << join(e.outputs, 4) << "\n";
  if (!e.sidecar_path.empty()) std::cout << "  sidecar       " << e.sidecar_path << "\n";
  if (!e.data_path.empty()) std::cout << "  data          " << e.data_path << "\n";
}

}  // namespace

int extract_command(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  ExtractRequest r;
  std::string sidecar;
  bool json = false, quiet = false;
  po::options_description desc(kHelp);
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("module,m", po::value(&r.module_path)->notifier([&](const std::string&) { r.has_module_path = true; }),
       "the module's dotted path ('' for the whole model)")
      ("tag,t", po::value(&r.tag), "the module's tag, e.g. /ResNet/Sequential.layer2")
      ("all-of", po::value(&r.all_of), "every module of this class name, one file each into the -o folder")
      ("output,o", po::value(&r.output), "OUT.onnx (a folder with --all-of)")
      ("sidecar", po::value(&sidecar), "FILE.onnx's sidecar (default: FILE_hierarchy.json beside it)")
      ("json", po::bool_switch(&json), "print what was written as JSON (schema: core/tags_report.proto)")
      ("quiet,q", po::bool_switch(&quiet), "print nothing on success");
  // clang-format on
  ExternalOptions external_options(r.external);
  external_options.add_to(desc);
  if (int code = parse_command_line("extract", args, desc, &positional); code >= 0) return code;
  if (positional.size() != 1)
    return fail("extract takes one FILE.onnx, got " + std::to_string(positional.size()) +
                " positional argument(s) (see `modelexport extract --help`)");
  int chosen = r.has_module_path + !r.tag.empty() + !r.all_of.empty();
  if (chosen != 1) return fail("extract needs exactly one of --module PATH, --tag TAG, --all-of CLASS");
  if (r.output.empty()) return fail("extract needs -o OUT.onnx (a folder with --all-of)");
  try {
    external_options.apply();
    TaggedModel t = load_tagged_model(positional[0], sidecar);
    ExtractReport report = extract_modules(t, r);
    if (json) {
      std::cout << extraction_json(t, report) << "\n";
    } else if (!quiet) {
      for (const auto& e : report.written) print_one(t, e);
      if (!r.all_of.empty()) {
        std::cout << "modelexport: wrote " << report.written.size() << " module(s) of class " << r.all_of << " into "
                  << r.output << "\n";
        for (int m : report.skipped) std::cout << "  skipped '" << t.label(m) << "': no nodes\n";
      }
    }
    return 0;
  } catch (const Error& e) {
    return fail(e.what());
  }
}

}  // namespace mx::cli
