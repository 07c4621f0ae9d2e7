// `modelexport profile FILE.onnx ORT_PROFILE.json`: where ONNX Runtime's time goes, per
// module: the profile's node events folded into the module tree of the tagged file.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>

#include "base/atomic_write.h"
#include "command_line.h"
#include "commands.h"
#include "base/error.h"
#include "report/html_report.h"
#include "onnx_io/onnx_file.h"
#include "tags/profile_fold.h"
#include "report/profile_json.h"
#include "report/tags_json.h"

namespace po = boost::program_options;

namespace mx::cli {
namespace {

constexpr const char* kHelp = R"(usage: modelexport profile FILE.onnx ORT_PROFILE.json [OPTIONS]

Folds an ONNX Runtime profile (the JSON that SessionOptions.enable_profiling writes, from any
binding) into the module tree of FILE.onnx, a file exported or tagged by modelexport. Each
node event ("cat": "Node", "<node>_kernel_time") goes to the module of the node it ran:
matched by name; with graph optimizations on, through the names ORT gives fused nodes
("fused X", "X/MatMulAddFusion", "<tensor>_nchwc"), and with --ort-graph through the
optimized graph ORT saved (optimized_model_filepath / optimizedModelFilePath) for nodes ORT
named itself ("Gelu_token_18"). Events that match nothing are listed on a line of their
own: the tree's times and that line add up to the profile's node time.

Columns: total (the module with its descendants) and self (its own nodes) in ms summed over
all runs, share of the profile's node time, calls (runs the module ran in), top op types
by time (as ORT ran them).

options)";

std::string ms(double us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", us / 1000);
  return buf;
}

std::string percent(double part, double whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole > 0 ? 100 * part / whole : 0.0);
  return buf;
}

// Seconds since `start`, and restarts it.
double lap(std::chrono::steady_clock::time_point& start) {
  auto now = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(now - start).count();
  start = now;
  return s;
}

std::string top_ops(const ModuleTime& m, int top) {
  std::vector<std::pair<double, std::string>> sorted;
  for (const auto& [op, us] : m.op_us) sorted.emplace_back(-us, op);
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (int i = 0; i < top && i < static_cast<int>(sorted.size()); ++i)
    out += (i ? ", " : "") + sorted[i].second + " " + percent(-sorted[i].first, m.total_us);
  return out;
}


void print_fold(const TaggedModel& t, const ProfileFold& f, int max_depth, int top) {
  std::cout << "profile of " << t.onnx_path << " from " << f.profile_path << ": " << f.runs << " run(s), " << f.events
            << " node events, " << ms(f.node_us) << " ms node time (" << ms(f.node_us / f.runs) << " ms per run)\n";
  std::cout << "  attributed " << f.events - f.unattributed_events << " of " << f.events << " events (";
  bool first = true;
  for (const auto& [rule, n] : f.rules) std::cout << (first ? "" : ", ") << "by " << rule << " " << n, first = false;
  std::cout << ")" << (f.ort_graph_path.empty() ? "" : ", ORT graph " + f.ort_graph_path) << "\n";
  std::cout << "  total ms   share   self ms  calls  module\n";
  int hidden = 0;
  std::vector<int> stack{0};
  while (!stack.empty()) {
    int m = stack.back();
    stack.pop_back();
    int depth = module_depth(t, m);
    const auto& time = f.modules[m];
    if (max_depth >= 0 && depth > max_depth) continue;
    if (time.total_us <= 0 && m != 0) {
      ++hidden;
      continue;
    }
    std::cout << std::right << std::setw(10) << ms(time.total_us) << std::setw(8) << percent(time.total_us, f.node_us)
              << std::setw(10) << ms(time.self_us) << std::setw(7) << time.calls << "  " << std::string(2 * depth, ' ')
              << t.tree_label(m) << "  (" << (m == 0 ? "<root>" : t.label(m)) << ")  " << top_ops(time, top) << "\n";
    const auto& kids = t.modules[m].children;
    for (auto c = kids.rbegin(); c != kids.rend(); ++c) stack.push_back(*c);
  }
  std::cout << std::right << std::setw(10) << ms(f.unattributed_us) << std::setw(8)
            << percent(f.unattributed_us, f.node_us) << std::setw(10) << "-" << std::setw(7) << "-"
            << "  not attributed: " << f.unattributed_events << " events of " << f.unattributed.size()
            << " ORT node(s)" << (f.unattributed.empty() ? "" : " (listed below)") << "\n";
  if (hidden) std::cout << "(" << hidden << " modules without time not shown)\n";
  constexpr size_t kListed = 10;
  for (size_t i = 0; i < f.unattributed.size() && i < kListed; ++i) {
    const auto& u = f.unattributed[i];
    std::cout << "  not attributed  " << ms(u.us) << " ms  " << u.events << " event(s)  '" << u.node << "' ("
              << u.op_type << "): " << u.reason << "\n";
  }
  if (f.unattributed.size() > kListed)
    std::cout << "  ... and " << f.unattributed.size() - kListed << " more ORT node(s) (all in --json)\n";
  if (!f.unattributed.empty() && f.ort_graph_path.empty())
    std::cout << "  (pass --ort-graph with the optimized graph ORT saved for this session to attribute them)\n";
}

}  // namespace

int profile_command(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  std::string sidecar, json_path, html_path, ort_graph_path;
  int depth = -1, top = 3;
  po::options_description desc(kHelp);
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("depth", po::value(&depth), "show modules down to this depth only (root = 0)")
      ("top", po::value(&top), "op types shown per module (default 3)")
      ("json", po::value(&json_path), "also write the fold as JSON to this file (schema: core/profile_report.proto)")
      ("html", po::value(&html_path), "also write the HTML page with the icicle chart of time to this file")
      ("ort-graph", po::value(&ort_graph_path), "ORT's optimized graph of the profiled session (.onnx)")
      ("sidecar", po::value(&sidecar), "the sidecar JSON (default: FILE_hierarchy.json beside FILE.onnx)");
  // clang-format on
  if (int code = parse_command_line("profile", args, desc, &positional); code >= 0) return code;
  if (positional.size() != 2)
    return fail(positional.size() < 2 ? "profile needs FILE.onnx and ORT_PROFILE.json (see `modelexport profile --help`)"
                                      : "unexpected argument '" + positional[2] + "' after profile FILE.onnx PROFILE");
  if (top < 0) return fail("--top must be 0 or more, not " + std::to_string(top));
  try {
    for (const auto& out : {json_path, html_path})
      if (!out.empty()) check_writable(out);
    auto clock = std::chrono::steady_clock::now();
    std::map<std::string, double> seconds;
    // The graph and its tags are all we need: initializers come without their data.
    TaggedModel t = load_tagged_model(positional[0], sidecar, false);
    require_tags(t);
    seconds["model"] = lap(clock);
    OrtProfile profile = read_ort_profile(positional[1]);
    seconds["profile"] = lap(clock);
    onnx::ModelProto ort_graph;
    if (!ort_graph_path.empty()) ort_graph = read_onnx_file(ort_graph_path, false), seconds["ort_graph"] = lap(clock);
    ProfileFold f = fold_profile(t, profile, ort_graph_path.empty() ? nullptr : &ort_graph, ort_graph_path);
    seconds["fold"] = lap(clock);
    f.seconds = seconds;
    std::vector<std::pair<std::string, std::string>> files;
    if (!json_path.empty()) files.emplace_back(json_path, profile_json(t, f) + "\n");
    if (!html_path.empty()) files.emplace_back(html_path, html_report(t, &f));
    write_files_atomically(files);
    print_fold(t, f, depth, top);
    for (const auto& [path, text] : files) std::cout << "  wrote " << path << "\n";
    std::cout << std::fixed << std::setprecision(3) << "  time        read model " << seconds["model"]
              << " s, profile " << seconds["profile"] << " s";
    if (!ort_graph_path.empty()) std::cout << ", ORT graph " << seconds["ort_graph"] << " s";
    std::cout << ", fold " << seconds["fold"] << " s\n";
    return 0;
  } catch (const Error& e) {
    return fail(e.what());
  }
}

}  // namespace mx::cli
