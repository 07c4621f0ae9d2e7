// `modelexport ops`: every aten operator we convert, the opsets, and what converts it.
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <set>

#include "command_line.h"
#include "commands.h"
#include "plugin/plugin_registry.h"
#include "report/op_coverage.h"
#include "report/ops_json.h"

namespace po = boost::program_options;

namespace mx::cli {

int ops_command(const std::vector<std::string>& args) {
  std::vector<std::string> plugin_dirs;
  bool json = false;
  std::string coverage;
  po::options_description desc(R"(usage: modelexport ops [--json] [--plugin-dir DIR ...] [--coverage FILE]

Lists every aten operator the converter accepts: core's C++ emitters (the file under
core/convert/ops/ that holds it), core's one-to-one rows, and the rows of the plugin
manifests found on the plugin path. One line per entry: the op, the lowest opset the
entry needs, and its source. In-place variants (aten::relu_) convert as their op does.

--coverage FILE reads aten op names, one a line (torch.onnx's registry:
tests/coverage/peer_ops.py prints it), and says of each whether we convert it, refuse it
on purpose (and why), run it in the tracer only, or lack it.

options)");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("json", po::bool_switch(&json), "print JSON (schema: core/report/ops.proto)")
      ("coverage", po::value(&coverage), "classify the op names in FILE against the registry")
      ("plugin-dir", po::value(&plugin_dirs)->composing(), "folder with strategy plugins (repeatable)");
  // clang-format on
  if (int code = parse_command_line("ops", args, desc, nullptr); code >= 0) return code;
  auto entries = plugin_entries(plugin_search_path(plugin_dirs));
  if (!coverage.empty()) {
    std::ifstream in(coverage);
    if (!in) return fail("cannot read --coverage file '" + coverage + "'");
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) names.push_back(line);
    std::cout << op_coverage_text(op_coverage(entries.registry, names));
    return 0;
  }
  if (json) {
    std::cout << ops_json(entries.registry) << "\n";
    return 0;
  }
  std::set<std::string> distinct;
  for (const auto* e : entries.registry.every_entry()) {
    distinct.insert(e->aten);
    std::cout << e->aten << "  opset " << e->since_opset << "+  " << e->source;
    if (!e->onnx_op.empty()) std::cout << " (-> " << e->onnx_op << ")";
    std::cout << "\n";
  }
  std::cout << distinct.size() << " aten operators\n";
  return 0;
}

}  // namespace mx::cli
