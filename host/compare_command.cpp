// `modelexport compare MODEL.pt --strategies a,b --input ...`: one conversion, tagged by each
// strategy, printed side by side (and written as JSON on request).
#include <algorithm>
#include <boost/algorithm/string.hpp>
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "base/atomic_write.h"
#include "command_line.h"
#include "commands.h"
#include "pipelines/compare.h"
#include "base/error.h"

namespace po = boost::program_options;

namespace mx::cli {
namespace {

constexpr const char* kHelp =
    R"(usage: modelexport compare MODEL.pt --strategies A,B[,...] --input NAME:DTYPE:DIMS [...] [OPTIONS]

Traces and converts MODEL.pt once, tags the ONNX graph with each strategy, and prints side
by side: coverage, how tags were decided, distinct tags and tagging time per strategy; for
every pair, the share of nodes with the same tag and the modules where they disagree most,
with example nodes. Writes nothing unless --json is given.

options)";

constexpr const char* kDecisions[] = {"direct", "trace", "consumer", "producer", "parent", "root"};

std::string percent(int part, int whole) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << (whole ? 100.0 * part / whole : 100.0) << "%";
  return s.str();
}

void print_report(const CompareReport& r) {
  auto& out = std::cout;
  out << "modelexport: compared " << r.strategies.size() << " strategies on " << r.model_path << " (" << r.nodes
      << " nodes, " << r.modules << " modules";
  for (const auto& [phase, s] : r.seconds)
    out << "; " << phase << " " << std::fixed << std::setprecision(2) << s << " s";
  out << ")\n\n";
  const int w = 20;
  auto row = [&](const std::string& label, auto cell) {
    out << "  " << std::left << std::setw(w) << label;
    for (const auto& s : r.strategies) out << std::setw(w) << cell(s);
    out << "\n";
  };
  row("", [](const StrategyStats& s) { return s.name; });
  row("coverage", [](const StrategyStats& s) {
    return std::to_string(s.tagged) + "/" + std::to_string(s.nodes) + " " + percent(s.tagged, s.nodes);
  });
  for (const char* d : kDecisions)
    row(std::string("decided ") + d, [&](const StrategyStats& s) {
      auto it = s.decisions.find(d);
      return std::to_string(it == s.decisions.end() ? 0 : it->second);
    });
  row("distinct tags", [](const StrategyStats& s) { return std::to_string(s.distinct_tags); });
  row("time (s)", [](const StrategyStats& s) {
    std::ostringstream t;
    t << std::fixed << std::setprecision(3) << s.seconds;
    return t.str();
  });
  out << "\nagreement (nodes with the same tag)\n";
  for (const auto& p : r.pairs)
    out << "  " << std::left << std::setw(2 * w) << (p.a + " vs " + p.b) << p.same << " of " << p.nodes << " ("
        << percent(p.same, p.nodes) << ")\n";
  for (const auto& p : r.pairs) {
    if (p.worst.empty()) continue;
    out << "\nlargest disagreements, " << p.a << " vs " << p.b << " (modules per " << p.a << ")\n";
    for (const auto& d : p.worst) {
      out << "  " << (d.module.empty() ? "<root>" : d.module) << ": " << d.nodes << " of " << d.module_nodes
          << " nodes differ; " << p.a << " " << d.tag_a << ", " << p.b << " "
          << (d.tag_b_nodes == d.nodes ? "" : "most often ") << d.tag_b << " (" << d.tag_b_nodes << ")\n";
      for (const auto& e : d.examples)
        out << "      e.g. " << e.node << " (" << e.op_type << "): " << p.b << " " << e.tag_b << "\n";
    }
  }
}

}  // namespace

int compare_command(const std::vector<std::string>& args) {
  CompareOptions o;
  std::vector<std::string> inputs, strategy_opts, plugin_dirs, positional;
  std::string strategies, json_path, input_names;
  boost::optional<std::string> output_names;
  bool keep_batchnorm = false;
  po::options_description desc(kHelp);
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("strategies,s", po::value(&strategies)->default_value("htp,usage_based"), "comma-separated strategies to compare")
      ("input,i", po::value(&inputs)->composing(), "example input NAME:DTYPE:DIMS (repeatable, in forward's order)")
      ("input-file", po::value(&o.model.input_file), "example inputs saved with torch.save (instead of --input)")
      ("input-names", po::value(&input_names), "comma-separated graph input names for --input-file")
      ("keep-batchnorm", po::bool_switch(&keep_batchnorm), "keep BatchNormalization nodes instead of folding them (like export's)")
      ("strategy-opt", po::value(&strategy_opts)->composing(),
       "STRATEGY:KEY=VALUE option for one strategy, or KEY=VALUE for all (repeatable)")
      ("strategy-timeout", strategy_timeout_value(&o.model.strategy_timeout), kStrategyTimeoutHelp)
      ("plugin-dir", po::value(&plugin_dirs)->composing(),
       "folder with strategy plugins, searched before MODELEXPORT_PLUGIN_PATH and the installed folder (repeatable)")
      ("json", po::value(&json_path), "also write the comparison as JSON to this file")
      ("top", po::value(&o.top)->default_value(5), "modules listed per pair of strategies")
      ("opset", po::value(&o.model.opset)->default_value(17), "ONNX opset to target (14 to 17)")
      ("seed", po::value(&o.model.seed)->default_value(0), "seed of the random example inputs")
      ("output-names", po::value(&output_names), "comma-separated names of the graph outputs");
  // clang-format on
  if (int code = parse_command_line("compare", args, desc, &positional); code >= 0) return code;
  if (positional.size() != 1)
    return fail("compare takes one MODEL.pt, got " + std::to_string(positional.size()) +
                " positional argument(s) (see `modelexport compare --help`)");
  try {
    o.model.model_path = positional[0];
    for (const auto& spec : inputs) o.model.inputs.push_back(parse_input_spec(spec));
    boost::split(o.strategies, strategies, boost::is_any_of(","));
    o.strategies.erase(std::remove(o.strategies.begin(), o.strategies.end(), ""), o.strategies.end());
    for (const auto& opt : strategy_opts) {
      auto kv = parse_strategy_opt(opt);
      auto colon = kv.first.find(':');
      if (colon == std::string::npos) {
        for (const auto& s : o.strategies) o.strategy_options[s].push_back(kv);
      } else {
        o.strategy_options[kv.first.substr(0, colon)].emplace_back(kv.first.substr(colon + 1), kv.second);
      }
    }
    o.model.output_names = split_names(output_names);
    if (!input_names.empty()) boost::split(o.model.input_names, input_names, boost::is_any_of(","));
    o.model.fold_batchnorm = !keep_batchnorm;
    o.model.plugin_dirs = plugin_search_path(plugin_dirs);
    if (!json_path.empty()) check_writable(json_path);
    CompareReport report = compare_strategies(o);
    for (const auto& w : report.warnings) std::cerr << "modelexport: warning: " << w << "\n";
    if (!json_path.empty()) write_files_atomically({{json_path, compare_json(report)}});
    print_report(report);
    return 0;
  } catch (const Error& e) {
    return fail(e.what());
  }
}

}  // namespace mx::cli
