// Shared test support (see test_env.h).
#include "test_env.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

#include "model/input_spec.h"

namespace mx::test {

std::string env_path(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v)
    throw std::runtime_error(std::string("environment variable ") + name +
                             " is not set (run the tests with `meson test`)");
  return v;
}

std::string modelexport_bin() { return env_path("MODELEXPORT_BIN"); }
std::string plugin_build_dir() { return env_path("MODELEXPORT_TEST_PLUGIN_DIR"); }
std::string source_root() { return env_path("MODELEXPORT_SOURCE_ROOT"); }

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult run(const std::string& command) {
  TempDir dir;
  std::string full = "(" + command + ") >" + quote(dir.file("out")) + " 2>" + quote(dir.file("err"));
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(dir.file("out"));
  r.err = read_file(dir.file("err"));
  return r;
}

TempDir::TempDir() {
  static std::mt19937_64 rng{std::random_device{}()};
  for (;;) {
    path_ = fs::temp_directory_path() / ("modelexport-test-" + std::to_string(rng()));
    if (fs::create_directory(path_)) return;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<std::string> TempDir::entries() const {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

struct Fixture {
  std::string path;
  std::vector<std::string> inputs;
};

// Made once per test process: the script is deterministic, but we do not trust a file
// left by an earlier run across script edits. Test binaries run side by side and make the
// same fixtures: each writes its own temporary name and renames it into place, so a reader
// sees one whole file or the other, never one being written.
// `script` is relative to the source root.
const Fixture& fixture(const std::string& name, const std::string& script) {
  static std::mutex mu;
  static std::map<std::string, Fixture> made;
  std::lock_guard<std::mutex> lock(mu);
  std::string key = script + ":" + name;
  if (auto it = made.find(key); it != made.end()) return it->second;
  fs::path dir = env_path("MODELEXPORT_FIXTURE_DIR");
  fs::create_directories(dir);
  Fixture f;
  std::string stem = fs::path(script).stem().string();
  f.path = (dir / (stem == "make_model" ? name + ".pt" : stem + "_" + name + ".pt")).string();
  const std::string mine =
      f.path + ".part-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/" + script) + " " + name + " " + quote(mine));
  if (r.exit_code != 0) {
    std::error_code ec;
    fs::remove(mine, ec);
    throw std::runtime_error(script + " " + name + " failed: " + r.err);
  }
  // Side files the script writes beside its output (OUT.pt.inputs.pt, ...) move with it,
  // the output itself last.
  const std::string prefix = fs::path(mine).filename().string();
  std::vector<std::string> side;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string n = entry.path().filename().string();
    if (n.size() > prefix.size() && n.compare(0, prefix.size(), prefix) == 0) side.push_back(n);
  }
  for (const auto& n : side) fs::rename(dir / n, f.path + n.substr(prefix.size()));
  fs::rename(mine, f.path);
  std::istringstream words(r.out);
  for (std::string w; words >> w;) f.inputs.push_back(w);
  return made.emplace(key, f).first->second;
}

const char* const kMakeModel = "examples/make_model.py";
const char* const kScriptedModels = "tests/fixtures/scripted_models.py";
const char* const kForwardSignatures = "tests/fixtures/forward_signatures.py";

}  // namespace

std::string fixture_model(const std::string& name) { return fixture(name, kMakeModel).path; }

std::vector<std::string> fixture_inputs(const std::string& name) { return fixture(name, kMakeModel).inputs; }

std::string scripted_fixture_model(const std::string& name) { return fixture(name, kScriptedModels).path; }

std::vector<std::string> scripted_fixture_inputs(const std::string& name) { return fixture(name, kScriptedModels).inputs; }

std::string signature_fixture_model(const std::string& name) { return fixture(name, kForwardSignatures).path; }

std::vector<std::string> signature_fixture_inputs(const std::string& name) {
  return fixture(name, kForwardSignatures).inputs;
}

std::vector<std::shared_ptr<TensorData>> run_onnxruntime(const std::string& onnx_path,
                                                         const std::vector<std::string>& names,
                                                         const std::vector<std::shared_ptr<TensorData>>& inputs,
                                                         std::vector<std::string>* output_names) {
  TempDir dir;
  std::string cmd = "node " + quote(source_root() + "/tests/ort/run_model.js") + " " + quote(onnx_path) + " " +
                    quote(dir.file("out"));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& t = *inputs[i];
    std::string file = dir.file("in" + std::to_string(i) + ".bin");
    std::ofstream(file, std::ios::binary)
        .write(static_cast<const char*>(t.data), static_cast<std::streamsize>(t.nbytes));
    std::string dims;
    for (size_t d = 0; d < t.shape.size(); ++d) dims += (d ? "x" : "") + std::to_string(t.shape[d]);
    cmd += " " + quote(names[i] + "=" + file + ":" + dtype_name(t.dtype) + ":" + dims);
  }
  auto r = run(cmd);
  if (r.exit_code != 0) throw std::runtime_error("ONNX Runtime failed on " + onnx_path + ": " + r.err);
  if (r.err.find("Expected shape from model") != std::string::npos)
    throw std::runtime_error("ONNX Runtime warns about a declared shape of " + onnx_path + ": " + r.err);
  std::vector<std::shared_ptr<TensorData>> out;
  auto listing = YAML::LoadFile(dir.file("out") + "/outputs.json");
  for (const auto& o : listing) {
    auto bytes = std::make_shared<std::string>(read_file(dir.file("out") + "/" + o["file"].as<std::string>()));
    auto d = std::make_shared<TensorData>();
    d->dtype = dtype_from_name(o["dtype"].as<std::string>());
    for (const auto& dim : o["dims"]) d->shape.push_back(dim.as<int64_t>());
    d->data = bytes->data();
    d->nbytes = bytes->size();
    d->owner = bytes;
    out.push_back(d);
    if (output_names) output_names->push_back(o["name"].as<std::string>());
  }
  return out;
}

std::string onnx_check_problems(const std::string& onnx_path) {
  auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/support/check_onnx.py") + " " + quote(onnx_path));
  if (r.exit_code == 0) return "";
  return r.out + r.err + (r.out.empty() && r.err.empty() ? "check_onnx.py exited " + std::to_string(r.exit_code) : "");
}

double max_abs(const TensorData& t) {
  double m = 0;
  const auto* p = static_cast<const float*>(t.data);
  for (int64_t i = 0; i < t.numel(); ++i) m = std::max(m, std::fabs(static_cast<double>(p[i])));
  return m;
}

double max_abs_diff(const TensorData& a, const TensorData& b) {
  if (a.dtype != DType::Float || b.dtype != DType::Float || a.shape != b.shape || a.nbytes != b.nbytes)
    return std::numeric_limits<double>::infinity();
  const auto* x = static_cast<const float*>(a.data);
  const auto* y = static_cast<const float*>(b.data);
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double d = std::fabs(static_cast<double>(x[i]) - y[i]);
    if (std::isnan(d)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, d);
  }
  return worst;
}

const std::string& fixture_folder(const std::string& script) {
  struct Made {
    TempDir dir;
    std::string path = dir.path().string();
  };
  static std::map<std::string, std::unique_ptr<Made>> made;
  auto& m = made[script];
  if (!m) {
    auto fresh = std::make_unique<Made>();
    auto r = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/" + script) + " " + quote(fresh->path));
    if (r.exit_code != 0) throw std::runtime_error("tests/fixtures/" + script + " failed: " + r.err);
    m = std::move(fresh);
  }
  return m->path;
}

}  // namespace mx::test
