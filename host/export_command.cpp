// `modelexport export MODEL.pt OUT.onnx --input ...`: the main job, and its summary.
#include <boost/algorithm/string.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <iomanip>
#include <iostream>

#include <unistd.h>

#include "command_line.h"
#include "model_options.h"
#include "external_options.h"
#include "commands.h"
#include "base/error.h"
#include "base/progress.h"
#include "pipelines/export.h"

namespace po = boost::program_options;

namespace mx::cli {
namespace {

constexpr const char* kHelp = R"(usage: modelexport export MODEL.pt OUT.onnx --input NAME:DTYPE:DIMS [...] [OPTIONS]

Loads the TorchScript file MODEL.pt, runs example inputs through its forward op by op,
converts what ran to ONNX, tags every node with the module it came from using a strategy
plugin, and writes OUT.onnx plus OUT_hierarchy.json beside it. Nothing is written on error:
both go to new temporary files first; the sidecar is renamed into place, then OUT.onnx (the
commit point). An existing OUT.onnx or sidecar is replaced only if it is a regular file (a
device, FIFO or folder is refused, never written to) and is not MODEL.pt or --input-file.

Example inputs are random with a fixed seed: floats ~ N(0,1), integers uniform in [0, 9]
(or LOW..HIGH: ids:int64:1x16:0..99), bools. DTYPE is one of float32, float16, float64,
bfloat16, int64, int32, int16, int8, uint8, bool; DIMS is like 1x3x224x224 (empty for a
0-d tensor). Give one --input per tensor argument of forward, named as forward names them
(or in forward's order). Arguments with defaults may be left out (an Optional[Tensor] is
then None). A List[Tensor] or Tuple argument takes one --input per item, 'xs.0:float32:2x8',
'xs.1:float32:2x8', and a Dict[str, Tensor] one per key, 'feats.image:float32:1x3x32x32':
each becomes a graph input of that name. An int, float, bool or str argument is a constant:
--arg n=3 (the sidecar's "arguments" records it, and each default that was used). Forward's
outputs must be tensors, or tuples, lists and dicts of them.

options)";

void print_summary(const ExportOptions& o, const ExportReport& r, double total) {
  auto& out = std::cout;
  out << "modelexport: exported " << o.model_path << " -> " << r.onnx_path << " (opset " << o.opset << ")\n";
  std::vector<std::pair<int, std::string>> ops;
  for (const auto& [op, n] : r.op_types) ops.emplace_back(-n, op);
  std::sort(ops.begin(), ops.end());
  out << "  nodes       " << r.nodes << " (";
  for (size_t i = 0; i < ops.size() && i < 6; ++i) out << (i ? ", " : "") << ops[i].second << " " << -ops[i].first;
  out << (ops.size() > 6 ? ", ..." : "") << "), initializers " << r.initializers << "\n";
  out << "  tagged      " << r.tagged << " of " << r.nodes << " (" << std::fixed << std::setprecision(1)
      << (r.nodes ? 100.0 * r.tagged / r.nodes : 100.0) << "%) by strategy " << r.strategy << ", " << r.distinct_tags
      << " distinct tags over " << r.modules << " modules\n";
  out << "  decisions   ";
  bool first = true;
  for (const auto& [d, n] : r.decisions) {
    out << (first ? "" : ", ") << d << " " << n;
    first = false;
  }
  if (!r.control_flow.empty()) out << "\n  control     " << r.control_flow;
  for (size_t i = 0; i < r.dropped_outputs.size(); ++i)
    out << (i ? ", " : "\n  dropped     None outputs, as torch.onnx.export drops them: ") << r.dropped_outputs[i];
  const auto& w = r.trace_ways;
  out << "\n  trace       " << w.mode << ": ops on meta " << w.meta << ", by shape rule " << w.shape_rule << ", real "
      << w.real;
  if (!w.why_real.empty()) out << " (ran for real: " << w.why_real << ")";
  for (size_t i = 0; i < w.fallback_ops.size(); ++i)
    out << (i ? ", " : " (no meta kernel: ") << w.fallback_ops[i] << (i + 1 == w.fallback_ops.size() ? ")" : "");
  out << "\n  sidecar     " << r.sidecar_path << "\n";
  if (!r.data_path.empty())
    out << "  data        " << r.data_path << " (" << std::setprecision(1) << r.data_bytes / 1048576.0
        << " MiB of external data)\n";
  out << "  time        " << std::setprecision(3) << total << " s (";  // ms: a small model takes 0.03 s
  for (size_t i = 0; i < r.seconds.size(); ++i)
    out << (i ? ", " : "") << r.seconds[i].first << " " << r.seconds[i].second;
  out << ")\n";
}

}  // namespace

int export_command(const std::vector<std::string>& args) {
  auto start = std::chrono::steady_clock::now();
  ExportOptions o;
  std::vector<std::string> strategy_opts, positional;
  bool quiet = false;
  ModelOptions model_options(o);
  ExternalOptions external_options(o.external);
  po::options_description desc(kHelp);
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("strategy,s", po::value(&o.strategy)->default_value("htp"), "tagging strategy (see `modelexport plugins`)")
      ("strategy-opt", po::value(&strategy_opts)->composing(), "KEY=VALUE option for the strategy (repeatable)")
      ("quiet,q", po::bool_switch(&quiet), "print nothing on success");
  // clang-format on
  model_options.add_to(desc, true);
  external_options.add_to(desc);
  if (int code = parse_command_line("export", args, desc, &positional); code >= 0) return code;
  if (positional.size() != 2)
    return fail("export takes MODEL.pt and OUT.onnx, got " + std::to_string(positional.size()) +
                " positional argument(s) (see `modelexport export --help`)");
  o.model_path = positional[0];
  o.output_path = positional[1];
  model_options.apply();
  external_options.apply();
  for (const auto& kv : strategy_opts) o.strategy_options.push_back(parse_strategy_opt(kv));
  progress::enable(!quiet && ::isatty(STDERR_FILENO));
  try {
    auto report = export_model(o);
    for (const auto& w : report.warnings) std::cerr << "modelexport: warning: " << w << "\n";
    double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet) print_summary(o, report, total);
    return 0;
  } catch (const Error& e) {
    return fail(e.what());
  }
}

}  // namespace mx::cli
