// `modelexport tag FOREIGN.onnx --model MODEL.pt -o OUT.onnx`: tags a file that PyTorch's
// own exporter wrote, and says how many nodes each rule resolved.
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>

#include "command_line.h"
#include "commands.h"
#include "external_options.h"
#include "base/error.h"
#include "pipelines/foreign_tagging.h"
#include "report/tags_json.h"

namespace po = boost::program_options;

namespace mx::cli {
namespace {

constexpr const char* kHelp = R"(usage: modelexport tag FOREIGN.onnx [--model MODEL.pt] -o OUT.onnx [OPTIONS]

Tags an ONNX file written by torch.onnx.export with the same tags `modelexport export`
writes, and writes OUT.onnx plus OUT_hierarchy.json beside it.

Files of torch 2.x's exporter (dynamo, the default since torch 2.9) need no --model: their
nodes carry the module stack (metadata pkg.torch.onnx.name_scopes and class_hierarchy),
which gives the module tree and each node's module ("metadata" rule); nodes without it,
and Constant/Identity nodes it puts in the root module, go by the "graph" rule below.

Files of the TorchScript exporter (PyTorch 1.13 or later, which names nodes by module
scope: /layer1/layer1.0/conv1/Conv) need --model MODEL.pt, the same model as a TorchScript
file: it is traced once on example inputs for its module tree (paths and class names).
Either way the strategy's tag builder names the modules.
Rules, in order:
  scope          the node's scope path names a module (a ModuleList adds no scope level)
  repeated call  the same after dropping the "_N" PyTorch adds for a module's N-th call
  root scope     "/Op": an op of the root module's own forward (ResNet's Flatten), if the
                 trace shows that forward computing anything itself; not for Constant or
                 Identity nodes, which PyTorch's passes also put at the root scope
  graph          the rest (no '/' in the name, a scope naming no module, root-scope
                 constants): the strategy's tagger places the node from its consumers,
                 else producers, else the root, as it places auxiliary nodes of an export
Example inputs default to random ones made to the ONNX file's graph inputs (names, dtypes,
fixed shapes); give --input NAME:DTYPE:DIMS (as for export) if they have dynamic dimensions,
or real ones with --input-file when the model's ops need valid values (sorted lengths,
ids in range). Nothing is written on error.

options)";

void print_summary(const ForeignTagOptions& o, const ForeignTagReport& r) {
  auto& out = std::cout;
  out << "modelexport: tagged " << o.onnx_path << " -> " << o.output_path << " with the modules of "
      << (o.model_path.empty() ? "its node metadata" : o.model_path) << " (strategy " << r.strategy << ")\n";
  out << "  tagged      " << r.tagged << " of " << r.nodes << " nodes (" << std::fixed << std::setprecision(1)
      << (r.nodes ? 100.0 * r.tagged / r.nodes : 100.0) << "%), " << r.distinct_tags << " distinct tags over "
      << r.modules << " modules\n";
  if (o.model_path.empty())
    out << "  rules       metadata " << r.by_metadata << ", graph " << r.by_graph;
  else
    out << "  rules       scope " << r.by_scope << ", repeated call " << r.by_repeated_call << ", root scope "
        << r.by_root_scope << ", graph " << r.by_graph;
  if (!r.graph_decisions.empty()) {
    out << " (";
    bool first = true;
    for (const auto& [d, n] : r.graph_decisions) {
      out << (first ? "" : ", ") << d << " " << n;
      first = false;
    }
    out << ")";
  }
  out << "\n";
  if (!r.unknown_scopes.empty()) {
    out << "  unknown     scopes naming no module of " << o.model_path << ":";
    for (const auto& s : r.unknown_scopes) out << " " << s;
    out << "\n";
  }
  out << "  sidecar     " << r.sidecar_path << "\n";
  if (!r.data_path.empty()) out << "  data        " << r.data_path << "\n";
  out << "  time        " << std::setprecision(3);
  for (size_t i = 0; i < r.seconds.size(); ++i)
    out << (i ? ", " : "") << r.seconds[i].first << " " << r.seconds[i].second;
  out << " s\n";
}

}  // namespace

int tag_command(const std::vector<std::string>& args) {
  ForeignTagOptions o;
  std::vector<std::string> inputs, constants, strategy_opts, plugin_dirs, positional;
  bool json = false, quiet = false;
  po::options_description desc(kHelp);
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("model", po::value(&o.model_path), "the same model as a TorchScript file (needed unless the file has torch 2.x's module metadata)")
      ("output,o", po::value(&o.output_path), "the tagged ONNX file to write (required)")
      ("input,i", po::value(&inputs)->composing(), kInputHelp)
      ("arg", po::value(&constants)->composing(), kArgHelp)
      ("input-file", po::value(&o.input_file),
       "example inputs from a file Python's torch.save wrote: a tensor or a tuple of tensors (instead of --input)")
      ("seed", po::value(&o.seed)->default_value(0), "seed of the random example inputs")
      ("max-ops", max_ops_value(&o.max_ops), kMaxOpsHelp)
      ("strategy,s", po::value(&o.strategy)->default_value("htp"), "strategy whose tag builder and graph rules to use")
      ("strategy-opt", po::value(&strategy_opts)->composing(), "KEY=VALUE option for the strategy (repeatable)")
      ("strategy-timeout", strategy_timeout_value(&o.strategy_timeout), kStrategyTimeoutHelp)
      ("plugin-dir", po::value(&plugin_dirs)->composing(), "folder with strategy plugins (repeatable)")
      ("json", po::bool_switch(&json), "print the summary as JSON (schema: core/tags_report.proto)")
      ("quiet,q", po::bool_switch(&quiet), "print nothing on success");
  // clang-format on
  ExternalOptions external_options(o.external);
  external_options.add_to(desc);
  if (int code = parse_command_line("tag", args, desc, &positional); code >= 0) return code;
  if (positional.size() != 1)
    return fail("tag takes one FOREIGN.onnx, got " + std::to_string(positional.size()) +
                " positional argument(s) (see `modelexport tag --help`)");
  if (o.output_path.empty()) return fail("tag needs -o OUT.onnx");
  o.onnx_path = positional[0];
  try {
    external_options.apply();
    for (const auto& spec : inputs) o.inputs.push_back(parse_input_spec(spec));
    for (const auto& a : constants) o.args.push_back(parse_arg_spec(a));
    for (const auto& kv : strategy_opts) o.strategy_options.push_back(parse_strategy_opt(kv));
    o.plugin_dirs = plugin_search_path(plugin_dirs);
    ForeignTagReport r = tag_foreign_model(o);
    for (const auto& w : r.warnings) std::cerr << "modelexport: warning: " << w << "\n";
    if (json)
      std::cout << foreign_tagging_json(o, r) << "\n";
    else if (!quiet)
      print_summary(o, r);
    return 0;
  } catch (const Error& e) {
    return fail(e.what());
  }
}

}  // namespace mx::cli
