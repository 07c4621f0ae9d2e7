// `modelexport tags FILE.onnx [tree|stats|query PATTERN|validate]`: reading the tags of an
// exported (or `modelexport tag`ged) file back: the module tree, counts, queries, checks.
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "base/close_matches.h"
#include "command_line.h"
#include "commands.h"
#include "base/atomic_write.h"
#include "base/error.h"
#include "report/html_report.h"
#include "report/tags_json.h"
#include "tags/tag_query.h"
#include "tags/tag_validate.h"

namespace po = boost::program_options;

namespace mx::cli {
namespace {

constexpr const char* kHelp = R"(usage: modelexport tags FILE.onnx [SUBCOMMAND] [OPTIONS]

Reads the module tags of FILE.onnx (node metadata modelexport.tag / .module / .decision)
and its sidecar FILE_hierarchy.json. Node counts always come from the node metadata.
SUBCOMMAND is one of (the subcommand may also come before FILE.onnx):
  tree            the module hierarchy with node counts per module: direct (tagged with
                  exactly that module) and total (with its descendants) (the default)
  stats           nodes, coverage, distinct tags, decisions, op types, largest modules
  query PATTERN   modules whose tag, class name or module path (or another name of the
                  same module object) matches the shell glob
                  PATTERN ('*' also crosses '/' and '.'): e.g. 'BertLayer',
                  'encoder.layer.*.attention', '*/Conv2d.conv1'; exit 1 if none
  html -o OUT.html  one self-contained HTML page (no network, no external scripts): the
                  module tree, collapsible, with node counts, parameter bytes and op types
                  per module, and a search box (`modelexport profile ... --html` adds the
                  time per module and an icicle chart)
  validate        every node tagged, every tag parses, node metadata and sidecar agree
                  node by node and module by module, ONNX checker passes; exit 1 with
                  the list of problems otherwise
Without a sidecar, tree/stats/query rebuild the module tree from the tags.

options)";

std::string percent(int part, int whole) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << (whole ? 100.0 * part / whole : 100.0) << "%";
  return s.str();
}

int print_tree(const TaggedModel& t, int max_depth, bool all) {
  int tagged = 0, hidden_count = 0;
  for (const auto& n : t.nodes) tagged += n.has_tag;
  std::cout << "module tree of " << t.onnx_path << ": " << t.nodes.size() << " nodes (" << tagged << " tagged), "
            << t.modules.size() << " modules"
            << (t.modules_from_sidecar ? ", from " + t.sidecar_path : ", rebuilt from the tags (no sidecar)") << "\n";
  std::cout << " direct  total  module\n";
  if (t.modules.empty()) return 0;
  std::vector<int> stack{0};  // depth first, children in order
  while (!stack.empty()) {
    int m = stack.back();
    stack.pop_back();
    const auto& mod = t.modules[m];
    int depth = module_depth(t, m);
    if (max_depth >= 0 && depth > max_depth) continue;
    if (!all && mod.total_nodes == 0) {
      ++hidden_count;
      continue;
    }
    std::cout << std::right << std::setw(7) << mod.direct_nodes << std::setw(7) << mod.total_nodes << "  "
              << std::string(2 * depth, ' ') << t.tree_label(m) << "  (" << (m == 0 ? "<root>" : mod.path) << ")\n";
    for (auto c = mod.children.rbegin(); c != mod.children.rend(); ++c) stack.push_back(*c);
  }
  if (hidden_count) std::cout << "(" << hidden_count << " modules without nodes not shown; --all shows them)\n";
  return 0;
}

void print_counts(const char* label, const std::map<std::string, int>& counts) {
  std::vector<std::pair<int, std::string>> sorted;
  for (const auto& [k, v] : counts) sorted.emplace_back(-v, k);
  std::sort(sorted.begin(), sorted.end());
  std::cout << "  " << std::left << std::setw(12) << label;
  for (size_t i = 0; i < sorted.size(); ++i)
    std::cout << (i ? ", " : "") << sorted[i].second << " " << -sorted[i].first;
  std::cout << "\n";
}

int print_stats(const TaggedModel& t, const TagStats& s) {
  std::cout << "tags of " << t.onnx_path << (s.strategy.empty() ? "" : " (strategy " + s.strategy + ")") << "\n";
  std::cout << "  nodes       " << s.nodes << ", tagged " << s.tagged << " (" << percent(s.tagged, s.nodes) << ")\n";
  std::cout << "  tags        " << s.distinct_tags << " distinct, deepest " << s.max_depth << " levels\n";
  std::cout << "  modules     " << s.modules << ", " << s.modules_with_nodes << " with nodes\n";
  print_counts("decisions", s.decisions);
  print_counts("op types", s.op_types);
  std::cout << "  largest     (direct nodes)\n";
  for (const auto& [m, n] : s.largest)
    std::cout << "    " << std::right << std::setw(5) << n << "  " << t.modules[m].tag << "  (" << t.label(m) << ")\n";
  return 0;
}

int print_query(const TaggedModel& t, const std::vector<int>& matches, bool with_nodes) {
  for (int m : matches) {
    const auto& mod = t.modules[m];
    std::cout << t.label(m) << "  " << mod.class_name << "  " << mod.tag << (mod.hidden(t.modules) ? " (shared)" : "")
              << "  direct " << mod.direct_nodes << ", total " << mod.total_nodes;
    for (size_t i = 0; i < mod.other_paths.size(); ++i)
      std::cout << (i ? ", " : "  also named ") << mod.other_paths[i];
    std::cout << "\n";
    if (!with_nodes) continue;
    for (int n : t.nodes_of(m))
      std::cout << "    " << t.nodes[n].name << "  " << t.nodes[n].op_type << "  " << t.nodes[n].tag << "\n";
  }
  std::cout << matches.size() << " module(s) match\n";
  return 0;
}

int print_validation(const TaggedModel& t, const ValidationReport& r) {
  if (r.ok()) {
    std::cout << "valid: " << t.onnx_path << ": " << r.tagged << " of " << r.nodes
              << " nodes tagged, every tag parses, node metadata and " << t.sidecar_path << " agree (" << r.modules
              << " modules)\n";
    return 0;
  }
  std::cout << "invalid: " << t.onnx_path << ": " << r.problems.size() << " problem(s)\n";
  for (const auto& p : r.problems) std::cout << "  - " << p << "\n";
  return fail("'" + t.onnx_path + "' failed validation with " + std::to_string(r.problems.size()) + " problem(s)");
}

const std::vector<std::string> kSubcommands{"tree", "stats", "query", "validate", "html"};

bool is_subcommand(const std::string& s) {
  return std::find(kSubcommands.begin(), kSubcommands.end(), s) != kSubcommands.end();
}

}  // namespace

int tags_command(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  std::string sidecar, output;
  bool json = false, with_nodes = false, all = false;
  int depth = -1;
  po::options_description desc(kHelp);
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("json", po::bool_switch(&json), "print JSON for scripts (schema: core/tags_report.proto)")
      ("sidecar", po::value(&sidecar), "the sidecar JSON (default: FILE_hierarchy.json beside FILE.onnx)")
      ("output,o", po::value(&output), "html: the page to write")
      ("depth", po::value(&depth), "tree: show modules down to this depth only (root = 0)")
      ("all", po::bool_switch(&all), "tree: also show modules without nodes")
      ("nodes", po::bool_switch(&with_nodes), "query: also list each match's nodes (its own and its descendants')");
  // clang-format on
  if (int code = parse_command_line("tags", args, desc, &positional); code >= 0) return code;
  if (!positional.empty() && is_subcommand(positional[0]) && positional.size() >= 2)
    std::swap(positional[0], positional[1]);  // `tags tree FILE` as well as `tags FILE tree`
  if (positional.empty()) return fail("tags needs FILE.onnx (see `modelexport tags --help`)");
  if (positional.size() == 1) positional.push_back("tree");
  const std::string sub = positional[1];
  if (!is_subcommand(sub))
    return fail("unknown tags subcommand '" + sub + "' (tree, stats, query PATTERN, validate, html)" +
                close_matches_hint(sub, kSubcommands));
  size_t want = sub == "query" ? 3 : 2;
  if (positional.size() < want)
    return fail("tags query needs a PATTERN, e.g. `modelexport tags FILE.onnx query 'BertLayer'`");
  if (positional.size() > want) return fail("unexpected argument '" + positional[want] + "' after tags " + sub);

  if (sub == "html" && output.empty()) return fail("tags html needs -o OUT.html");
  try {
    if (sub == "html") check_writable(output);
    // Only validate looks at the weights; the others read the graph and its tags.
    TaggedModel t = load_tagged_model(positional[0], sidecar, sub == "validate");
    if (sub == "validate") {
      ValidationReport r = validate_tags(t);
      if (!json) return print_validation(t, r);
      std::cout << validation_json(t, r) << "\n";
      return r.ok() ? 0 : 1;
    }
    require_tags(t);
    if (sub == "tree") {
      if (json) std::cout << tree_json(t) << "\n";
      return json ? 0 : print_tree(t, depth, all);
    }
    if (sub == "html") {
      write_files_atomically({{output, html_report(t, nullptr)}});
      std::cout << "wrote " << output << ": " << t.modules.size() << " modules, " << t.nodes.size() << " nodes\n";
      return 0;
    }
    if (sub == "stats") {
      TagStats s = tag_stats(t);
      if (json) std::cout << stats_json(t, s) << "\n";
      return json ? 0 : print_stats(t, s);
    }
    const std::string& pattern = positional[2];
    std::vector<int> matches = query_modules(t, pattern);
    if (matches.empty()) {
      std::vector<std::string> names;
      for (const auto& m : t.modules) names.insert(names.end(), {m.path, m.class_name, m.tag});
      if (json) std::cout << query_json(t, pattern, matches, with_nodes) << "\n";
      return fail("no module matches '" + pattern + "' by tag, class name or path in '" + t.onnx_path + "'" +
                  close_matches_hint(pattern, names));
    }
    if (json) std::cout << query_json(t, pattern, matches, with_nodes) << "\n";
    return json ? 0 : print_query(t, matches, with_nodes);
  } catch (const Error& e) {
    return fail(e.what());
  }
}

}  // namespace mx::cli
