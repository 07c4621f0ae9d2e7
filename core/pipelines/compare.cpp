// Comparing strategies: one trace and conversion, one tagging per strategy, then counts.
#include "pipelines/compare.h"

#include <algorithm>
#include <set>

#include "base/error.h"
#include "base/phase_timer.h"
#include "plugin/plugin_host.h"
#include "plugin/plugin_registry.h"
#include "tags/tag_output.h"

namespace mx {
namespace {

constexpr size_t kExamples = 3;

const std::string& tag_of(const TagResult& r, int n) {
  static const std::string none;
  int64_t m = r.node_module[n];
  return m >= 0 && r.module_tags[m] ? *r.module_tags[m] : none;
}

StrategyStats stats_of(const TagResult& r, const onnx::GraphProto& graph) {
  StrategyStats s;
  s.name = r.strategy;
  s.version = r.strategy_version;
  s.nodes = graph.node_size();
  s.decisions = decision_counts(r);
  s.seconds = r.seconds;
  auto counts = count_tags(r);
  s.tagged = counts.tagged;
  s.distinct_tags = counts.distinct_tags;
  return s;
}

PairAgreement compare_pair(const Trace& trace, const onnx::GraphProto& graph, const TagResult& a, const TagResult& b,
                           int top) {
  PairAgreement p;
  p.a = a.strategy;
  p.b = b.strategy;
  p.nodes = graph.node_size();
  std::map<int64_t, Disagreement> by_module;  // a's module -> what b says otherwise
  // a's module -> b's tag -> (nodes, first node): ties go to the tag seen first.
  std::map<int64_t, std::map<std::string, std::pair<int, int>>> b_tags;
  for (int n = 0; n < graph.node_size(); ++n) {
    int64_t m = a.node_module[n];
    auto& d = by_module[m];
    d.module_nodes++;
    if (tag_of(a, n) == tag_of(b, n)) {
      p.same++;
      continue;
    }
    d.nodes++;
    auto [it, fresh] = b_tags[m].emplace(tag_of(b, n), std::make_pair(0, n));
    it->second.first++;
    if (d.examples.size() < kExamples)
      d.examples.push_back({graph.node(n).name(), graph.node(n).op_type(), tag_of(a, n), tag_of(b, n)});
  }
  for (auto& [m, d] : by_module) {
    if (d.nodes == 0) continue;
    d.module = m >= 0 ? trace.modules[m].path : "";
    d.tag_a = m >= 0 && a.module_tags[m] ? *a.module_tags[m] : "";
    int first = graph.node_size();
    for (const auto& [tag, seen] : b_tags[m])
      if (seen.first > d.tag_b_nodes || (seen.first == d.tag_b_nodes && seen.second < first)) {
        d.tag_b = tag;
        d.tag_b_nodes = seen.first;
        first = seen.second;
      }
    p.worst.push_back(d);
  }
  std::stable_sort(p.worst.begin(), p.worst.end(),
                   [](const Disagreement& x, const Disagreement& y) { return x.nodes > y.nodes; });
  if (p.worst.size() > static_cast<size_t>(std::max(top, 0))) p.worst.resize(static_cast<size_t>(std::max(top, 0)));
  return p;
}

}  // namespace

CompareReport analyze_tags(const Trace& trace, const onnx::GraphProto& graph, const std::vector<TagResult>& results,
                           int top) {
  CompareReport r;
  r.model_path = trace.model_path;
  r.nodes = graph.node_size();
  r.modules = static_cast<int>(trace.modules.size());
  for (const auto& t : results) {
    if (t.node_module.size() != static_cast<size_t>(graph.node_size()))
      throw Error("internal error: strategy '" + t.strategy + "' answered for another graph");
    r.strategies.push_back(stats_of(t, graph));
  }
  for (size_t i = 0; i < results.size(); ++i)
    for (size_t j = i + 1; j < results.size(); ++j)
      r.pairs.push_back(compare_pair(trace, graph, results[i], results[j], top));
  return r;
}

CompareReport compare_strategies(const CompareOptions& o) {
  std::set<std::string> names(o.strategies.begin(), o.strategies.end());
  if (o.strategies.size() < 2 || names.size() != o.strategies.size())
    throw Error("compare needs two or more different strategies (--strategies a,b), got " +
                std::to_string(o.strategies.size()) + " name(s)" +
                (names.size() != o.strategies.size() ? " with a repeat" : ""));
  for (const auto& [s, opts] : o.strategy_options)
    if (!names.count(s)) throw Error("--strategy-opt names strategy '" + s + "', which is not in --strategies");
  // Every plugin loads before the slow part, so that a missing or broken one fails fast.
  std::vector<const LoadedPlugin*> plugins;
  const auto found = discover_plugins(o.model.plugin_dirs);  // read once for every strategy and the rows
  for (const auto& s : o.strategies)
    plugins.push_back(&load_strategy(s, found, o.model.plugin_dirs, o.model.strategy_timeout));
  PluginEntries entries = merge_plugin_entries(OpRegistry::builtin(), found);

  PhaseSeconds seconds;
  PhaseTimer timer(seconds);
  TracedModel traced = trace_for_export(o.model);  // the export's inputs and tracing, exactly
  const Trace& trace = traced.trace;
  timer.done("trace");
  // The module is gone with the trace's end: the folded weights may take the originals' place.
  ConvertedModel model = convert_checked(trace, traced.dynamic, entries.registry, o.model, FoldWeights::InPlace);
  timer.done("convert");

  std::vector<TagResult> results;
  for (size_t i = 0; i < plugins.size(); ++i) {
    auto opts = o.strategy_options.find(o.strategies[i]);
    results.push_back(run_strategy(*plugins[i], trace, model,
                                   opts == o.strategy_options.end() ? Options{} : opts->second, entries.auxiliary,
                                   o.model.strategy_timeout));
  }
  CompareReport r = analyze_tags(trace, model.model.graph(), results, o.top);
  r.model_path = o.model.model_path;
  r.seconds = seconds;
  r.warnings = entries.conflicts;
  return r;
}

}  // namespace mx
