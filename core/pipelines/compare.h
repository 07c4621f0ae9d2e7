// Tagging one converted model with several strategies and comparing their answers:
// coverage, decision counts, distinct tags and time per strategy; pairwise agreement; the
// modules where two strategies disagree most, with example nodes.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pipelines/export.h"

namespace mx {

struct StrategyStats {
  std::string name, version;
  int nodes = 0, tagged = 0, distinct_tags = 0;
  std::map<std::string, int> decisions;  // decision name -> nodes
  double seconds = 0;
};

struct DisagreementExample {
  std::string node, op_type, tag_a, tag_b;
};

// Nodes that strategy a puts in one module and strategy b tags otherwise.
struct Disagreement {
  std::string module;  // a's module, as named_modules() spells it; "" for the root
  std::string tag_a;   // its tag per a
  int nodes = 0;       // nodes of that module (per a) that b tags differently
  int module_nodes = 0;
  std::string tag_b;  // b's most frequent tag for those nodes (ties: the one seen first)
  int tag_b_nodes = 0;
  std::vector<DisagreementExample> examples;  // the first few, in graph order
};

struct PairAgreement {
  std::string a, b;
  int same = 0, nodes = 0;          // nodes with the same tag string
  std::vector<Disagreement> worst;  // most disagreeing modules first
};

struct CompareReport {
  std::string model_path;
  int nodes = 0, modules = 0;
  std::vector<std::pair<std::string, double>> seconds;  // shared phases: trace, convert
  std::vector<StrategyStats> strategies;                // in the order asked for
  std::vector<PairAgreement> pairs;                     // every pair, in that order
  std::vector<std::string> warnings;
};

// The comparison of `results` (one per strategy) on `graph`, keeping `top` modules per pair.
CompareReport analyze_tags(const Trace& trace, const onnx::GraphProto& graph, const std::vector<TagResult>& results,
                           int top);

struct CompareOptions {
  ExportOptions model;  // what export_model would trace and convert (not strategy, output)
  std::vector<std::string> strategies;
  std::map<std::string, Options> strategy_options;  // per strategy
  int top = 5;
};

// Traces and converts once, then tags with each strategy. Throws mx::Error.
CompareReport compare_strategies(const CompareOptions& options);

// The report as JSON (compare.proto, protobuf's JSON mapping).
std::string compare_json(const CompareReport& report);

}  // namespace mx
