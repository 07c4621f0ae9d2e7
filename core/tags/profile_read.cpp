// ORT profiles through nlohmann::json: a trace-event array, of which only the node kernel
// events count (fence and session events are not time spent in a node).
#include "tags/profile_read.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "base/error.h"
#include "base/input_file.h"
#include "base/text.h"

namespace mx {
namespace {

using nlohmann::json;

constexpr const char* kKernelSuffix = "_kernel_time";

std::string json_type(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  if (j.is_string()) return "a string";
  if (j.is_number()) return "a number";
  return std::string(j.type_name());
}

[[noreturn]] void not_a_profile(const std::string& path, const std::string& why) {
  throw Error("profile '" + path + "' is not an ONNX Runtime profile: " + why +
              " (expected the JSON array of trace events that enable_profiling writes)");
}

double number_field(const json& event, const char* key, size_t index, const std::string& path) {
  auto it = event.find(key);
  if (it == event.end() || !it->is_number())
    not_a_profile(path, "node event " + std::to_string(index) + " has no numeric '" + key + "'");
  return it->get<double>();
}

std::string string_arg(const json& event, const char* key) {
  auto args = event.find("args");
  if (args == event.end() || !args->is_object()) return "";
  auto it = args->find(key);
  return it != args->end() && it->is_string() ? it->get<std::string>() : "";
}

// Each event's run: the model_run interval holding its start ([ts, ts + dur]).
void assign_runs(std::vector<std::pair<double, double>> run_spans, OrtProfile& p) {
  std::sort(run_spans.begin(), run_spans.end());
  p.runs = std::max<int>(1, static_cast<int>(run_spans.size()));
  if (run_spans.empty()) return;
  for (auto& e : p.events) {
    auto it = std::upper_bound(run_spans.begin(), run_spans.end(), std::make_pair(e.ts_us, 1e300));
    e.run = it == run_spans.begin() ? 0 : static_cast<int>(it - run_spans.begin()) - 1;
  }
}

}  // namespace

OrtProfile parse_ort_profile(const std::string& text, const std::string& path) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann's own message names its internals; ours names the file and where it broke.
    throw Error("profile '" + path + "' is not JSON (" +
                (e.byte > text.size() ? std::string("it ends too early")
                                      : "syntax error at byte " + std::to_string(e.byte)) +
                ", " + std::to_string(text.size()) + " bytes)");
  } catch (const json::exception&) {  // a number too large for a double (1E971): out_of_range
    throw Error("profile '" + path + "' cannot be read: it holds a number out of range (" +
                std::to_string(text.size()) + " bytes)");
  }
  if (!doc.is_array()) not_a_profile(path, "it is " + json_type(doc));
  OrtProfile p;
  p.path = path;
  std::vector<std::pair<double, double>> run_spans;
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& e = doc[i];
    if (!e.is_object()) not_a_profile(path, "element " + std::to_string(i) + " is " + json_type(e));
    auto cat = e.find("cat"), name = e.find("name");
    if (cat == e.end() || !cat->is_string() || name == e.end() || !name->is_string())
      not_a_profile(path, "element " + std::to_string(i) + " has no string 'cat' and 'name'");
    const std::string& n = name->get_ref<const std::string&>();
    if (*cat == "Session" && n == "model_run") {
      run_spans.emplace_back(number_field(e, "ts", i, path), number_field(e, "dur", i, path));
      continue;
    }
    if (*cat != "Node" || !ends_with(n, kKernelSuffix)) continue;
    ProfileEvent ev;
    ev.node = n.substr(0, n.size() - std::char_traits<char>::length(kKernelSuffix));
    ev.op_type = string_arg(e, "op_name");
    ev.provider = string_arg(e, "provider");
    ev.dur_us = number_field(e, "dur", i, path);
    ev.ts_us = number_field(e, "ts", i, path);
    p.node_us += ev.dur_us;
    p.events.push_back(std::move(ev));
  }
  if (p.events.empty())
    not_a_profile(path, "it has no node events (\"cat\": \"Node\", \"name\": \"<node>_kernel_time\") among its " +
                            std::to_string(doc.size()) + " elements");
  assign_runs(std::move(run_spans), p);
  return p;
}

OrtProfile read_ort_profile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) check_regular_input(path, "profile");  // a FIFO would block the read
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read profile '" + path + "': no such file or not readable");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error("cannot read profile '" + path + "'");
  return parse_ort_profile(ss.str(), path);
}

}  // namespace mx
