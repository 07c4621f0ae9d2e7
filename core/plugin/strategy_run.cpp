// Running a strategy plugin over one converted model in a child process: the plugin's
// answer (module tags, node tags) comes back over a pipe, so a crash is reported, not shared.
#include <chrono>
#include <cstring>

#include "plugin/child_process.h"
#include "base/error.h"
#include "plugin/plugin_host.h"
#include "base/utf8.h"

namespace mx {
namespace {

// The answer on the wire, host-endian (both ends are this process): u8 ok; then either a
// message, or per module (u8 set, tag) and per node (i64 module, i32 decision).
class Writer {
 public:
  template <typename T>
  void put(T v) {
    bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put_string(const std::string& s) {
    put<uint64_t>(s.size());
    bytes += s;
  }
  std::string bytes;
};

class Reader {
 public:
  explicit Reader(const std::string& b) : bytes_(b) {}
  template <typename T>
  T get() {
    T v;
    need(sizeof v);
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string get_string() {
    auto n = get<uint64_t>();
    need(n);
    pos_ += n;
    return bytes_.substr(pos_ - n, n);
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  void need(uint64_t n) const {
    if (n > bytes_.size() - pos_) throw Error("sent a truncated answer (or none)");
  }
  const std::string& bytes_;
  size_t pos_ = 0;
};

std::string take_message(mx_status_t* s) {
  std::string msg = host_api()->status_message(s);
  host_api()->status_release(s);
  return msg;
}

// In the child: call the plugin, encode what it said (or why it failed).
std::string tag_and_encode(const LoadedPlugin& lp, mx_graph_t& graph, const std::vector<mx_option_t>& opts) {
  std::string error;
  const char* phase = "tag_modules";
  try {
    const auto count = static_cast<int64_t>(opts.size());
    if (auto* s = lp.plugin->tag_modules(host_api(), &graph, opts.data(), count)) {
      error = "failed to tag modules: " + take_message(s);
    } else {
      phase = "tag_nodes";
      if (auto* s2 = lp.plugin->tag_nodes(host_api(), &graph, opts.data(), count))
        error = "failed to tag nodes: " + take_message(s2);
    }
  } catch (const std::exception& e) {
    error = std::string("threw a C++ exception across the C ABI in ") + phase + ": " + e.what();
  } catch (...) {
    error = std::string("threw an exception of unknown type across the C ABI in ") + phase;
  }
  Writer w;
  w.put<uint8_t>(error.empty());
  if (!error.empty()) {
    w.put_string(error);
    return w.bytes;
  }
  const auto& r = graph.result;
  for (const auto& tag : r.module_tags) {
    w.put<uint8_t>(tag.has_value());
    w.put_string(tag.value_or(""));
  }
  for (size_t n = 0; n < r.node_module.size(); ++n) {
    w.put<int64_t>(r.node_module[n]);
    w.put<int32_t>(r.node_decision[n]);
  }
  return w.bytes;
}

// The child is the plugin's process: everything it sends is checked like a file's contents.
void decode_checked(const std::string& bytes, TagResult& r) {
  Reader in(bytes);
  if (!in.get<uint8_t>()) throw Error(in.get_string());  // the plugin's own failure message
  for (size_t m = 0; m < r.module_tags.size(); ++m) {
    bool set = in.get<uint8_t>();
    std::string s = in.get_string();
    if (!valid_utf8(s))
      throw Error("gave module " + std::to_string(m) + " a tag that is not valid UTF-8 (ONNX strings must be)");
    if (set) r.module_tags[m] = s;
  }
  const auto modules = static_cast<int64_t>(r.module_tags.size());
  for (size_t n = 0; n < r.node_module.size(); ++n) {
    r.node_module[n] = in.get<int64_t>();
    r.node_decision[n] = in.get<int32_t>();
    if (r.node_module[n] < -1 || r.node_module[n] >= modules)
      throw Error("answered module " + std::to_string(r.node_module[n]) + " for node " + std::to_string(n) +
                  ", outside the model's " + std::to_string(modules) + " modules");
    if (r.node_module[n] >= 0 && (r.node_decision[n] < MX_DECISION_DIRECT || r.node_decision[n] > MX_DECISION_ROOT))
      throw Error("answered decision " + std::to_string(r.node_decision[n]) + " for node " + std::to_string(n) +
                  ", not one of MX_DECISION_*");
  }
  if (!in.at_end()) throw Error("sent more than the answer (the process wrote to the answer pipe itself?)");
}

void decode(const std::string& bytes, TagResult& r, const std::string& who) {
  std::string why;
  try {
    decode_checked(bytes, r);
    return;
  } catch (const Error& e) {
    why = e.what();
  }
  if (!bytes.empty() && bytes[0] == 0) throw Error(who + " " + why);
  throw Error(who + " " + why + "; the host is unharmed");
}

Options merge_options(const Options& settings, const Options& overrides) {
  Options merged = settings;
  for (const auto& kv : overrides) {
    auto it = merged.begin();
    while (it != merged.end() && it->first != kv.first) ++it;
    if (it != merged.end())
      it->second = kv.second;
    else
      merged.push_back(kv);
  }
  return merged;
}

}  // namespace

TagResult run_strategy(const LoadedPlugin& lp, const Trace& trace, const ConvertedModel& model, const Options& options,
                       const AuxiliaryTable& auxiliary, double timeout_seconds) {
  auto start = std::chrono::steady_clock::now();
  const std::string who = "strategy '" + lp.manifest.name + "' (" + lp.manifest.library_path + ")";
  Options merged = merge_options(lp.manifest.settings, options);
  std::vector<mx_option_t> opts;
  for (const auto& [k, v] : merged) opts.push_back({k.c_str(), v.c_str()});

  mx_graph_t graph(trace, model, lp.manifest.name);
  graph.auxiliary = &auxiliary;
  ChildOutcome child = run_in_child([&] { return tag_and_encode(lp, graph, opts); }, timeout_seconds);
  if (!child.answered) {
    std::string hint = child.timed_out_after > 0 ? " (see --strategy-timeout)" : "";
    throw Error(who + " " + describe_failure(child) + " while tagging; the host is unharmed" + hint);
  }
  decode(child.payload, graph.result, who);

  for (size_t m = 0; m < trace.modules.size(); ++m)
    if (!graph.result.module_tags[m])
      throw Error(who + " left module '" + trace.module_label(static_cast<int64_t>(m)) + "' without a tag");
  size_t untagged = 0;
  std::string example;
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    if (graph.result.node_module[n] < 0 && untagged++ == 0)
      example = model.model.graph().node(static_cast<int>(n)).name();
  if (untagged)
    throw Error(who + " left " + std::to_string(untagged) + " of " + std::to_string(graph.nodes.size()) +
                " nodes untagged (first: '" + example + "')");
  graph.result.strategy = lp.manifest.name;
  graph.result.strategy_version = lp.plugin->version ? lp.plugin->version : "";
  graph.result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::move(graph.result);
}

}  // namespace mx
