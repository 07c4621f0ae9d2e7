// See external_fixture.h.
#include "support/external_fixture.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>

#include "convert/convert.h"
#include "model/input_spec.h"
#include "pipelines/export.h"
#include "plugin/plugin_manifest.h"
#include "plugin/plugin_registry.h"
#include "support/test_env.h"
#include "torch/torchscript.h"

namespace mx::test {

const LlamaFixture& llama_fixture(const std::string& name, const std::string& flags) {
  static std::mutex mu;
  static std::map<std::string, LlamaFixture> made;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = made.find(name); it != made.end()) return it->second;
  fs::path dir = env_path("MODELEXPORT_FIXTURE_DIR");
  fs::create_directories(dir);
  LlamaFixture f;
  f.pt = (dir / (name + "_" + std::to_string(std::hash<std::string>{}(flags) % 100000) + ".pt")).string();
  f.flags = flags;
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/llama_model.py") + " " + quote(f.pt) + " " +
               flags);
  if (r.exit_code != 0) throw std::runtime_error("llama_model.py failed: " + r.err);
  f.input = r.out.substr(0, r.out.find_last_not_of(" \n") + 1);
  return made.emplace(name, f).first->second;
}

pid_t spawn(const std::string& command) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    std::string line = "exec " + command + " >/dev/null 2>&1";
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

std::vector<std::pair<std::string, uintmax_t>> temporaries(const std::string& dir) {
  std::vector<std::pair<std::string, uintmax_t>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.find(".mx-tmp-") == std::string::npos) continue;
    out.emplace_back(name, e.file_size(ec));
  }
  return out;
}

double ort_vs_libtorch(const std::string& pt, const std::string& input, const std::string& onnx) {
  auto spec = parse_input_spec(input);
  auto inputs = make_inputs({spec}, 0);
  auto expected = run_reference(pt, inputs);
  auto actual = run_onnxruntime(onnx, {spec.name}, inputs);
  if (actual.size() != 1 || expected.size() != 1) return 1e9;
  return max_abs_diff(*actual[0], *expected[0]) / max_abs(*expected[0]);
}

double extracted_vs_libtorch(const std::string& pt, const std::string& input, const std::string& onnx_path) {
  struct Reference {
    Trace trace;
    ConvertedModel converted;
  };
  Reference ref;  // not kept: for a multi-GB model it holds the weights
  {
    auto spec = parse_input_spec(input);
    TraceOptions keep;
    keep.keep_values = true;
    ref.trace = trace_model(pt, {spec.name}, make_inputs({spec}, 0), keep);
    ref.converted = convert_checked(ref.trace, DynamicMarks{},
                                    plugin_entries(plugin_search_path({plugin_build_dir()})).registry, ExportOptions{});
  }
  auto value = [&](const std::string& name) -> std::shared_ptr<TensorData> {
    auto it = ref.converted.value_ids.find(name);
    return it == ref.converted.value_ids.end() ? nullptr : ref.trace.values[it->second].observed;
  };
  onnx::ModelProto m;
  if (!m.ParseFromString(read_file(onnx_path))) return 1e9;
  std::vector<std::string> names;
  std::vector<std::shared_ptr<TensorData>> inputs;
  for (const auto& in : m.graph().input()) {
    if (!value(in.name())) return 1e9;
    names.push_back(in.name());
    inputs.push_back(value(in.name()));
  }
  auto outputs = run_onnxruntime(onnx_path, names, inputs);
  double worst = 0;
  for (int i = 0; i < m.graph().output_size(); ++i) {
    auto expected = value(m.graph().output(i).name());
    if (!expected || i >= static_cast<int>(outputs.size())) return 1e9;
    worst = std::max(worst, max_abs_diff(*outputs[i], *expected) / std::max(1e-6, max_abs(*expected)));
  }
  return worst;
}

}  // namespace mx::test
