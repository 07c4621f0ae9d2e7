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
#include "model_options.h"
#include "commands.h"
#include "pipelines/compare.h"
#include "base/error.h"
#include "tags/decisions.h"

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
  for (const auto& [code, d] : kDecisions)
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
  std::vector<std::string> strategy_opts, positional;
  std::string strategies, json_path;
  ModelOptions model_options(o.model);
  po::options_description desc(kHelp);
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("strategies,s", po::value(&strategies)->default_value("htp,usage_based"), "comma-separated strategies to compare")
      ("strategy-opt", po::value(&strategy_opts)->composing(),
       "STRATEGY:KEY=VALUE option for one strategy, or KEY=VALUE for all (repeatable)")
      ("json", po::value(&json_path), "also write the comparison as JSON to this file")
      ("top", po::value(&o.top)->default_value(5), "modules listed per pair of strategies");
  // clang-format on
  model_options.add_to(desc, false);
  if (int code = parse_command_line("compare", args, desc, &positional); code >= 0) return code;
  if (positional.size() != 1)
    return fail("compare takes one MODEL.pt, got " + std::to_string(positional.size()) +
                " positional argument(s) (see `modelexport compare --help`)");
  try {
    o.model.model_path = positional[0];
    model_options.apply();
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
    if (!json_path.empty()) check_writable(json_path, {o.model.model_path, o.model.input_file});
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
