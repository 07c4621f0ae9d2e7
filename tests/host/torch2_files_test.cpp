// TorchScript files of torch 2.x (tests/fixtures/torch2_sdpa_models.py: the BERT-like,
// GPT-2-like and LLaMA-like zoo models in their SDPA form, code as torch 2.x's printer writes
// it, traced with autograd on and under torch.no_grad()): each loads, exports, runs in ONNX
// Runtime like LibTorch runs the same model's 1.13 form (identical weights), and gets the 1.13
// form's tags.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "model/input_spec.h"
#include "onnx_io/node_metadata.h"
#include "support/model_exports.h"
#include "support/test_env.h"
#include "tags/tag_output.h"
#include "torch/torchscript.h"

namespace mx::test {
namespace {

struct Form {
  std::string pt, onnx;
  CommandResult made, exported;
  onnx::ModelProto proto;
  nlohmann::json sidecar;
};

struct Pair {
  Form v113, v2;
  std::vector<InputSpec> specs;
};

// "bert" or "bert_no_grad": both forms made and exported once per process.
const Pair& pair(const std::string& param) {
  static TempDir dir;
  static std::map<std::string, Pair> cache;
  if (auto it = cache.find(param); it != cache.end()) return it->second;
  const bool no_grad = param.size() > 8 && param.compare(param.size() - 8, 8, "_no_grad") == 0;
  const std::string model = no_grad ? param.substr(0, param.size() - 8) : param;
  Pair p;
  for (auto [form, f] : {std::pair<std::string, Form*>{"torch113", &p.v113}, {"torch2", &p.v2}}) {
    f->pt = dir.file(param + "_" + form + ".pt");
    f->onnx = dir.file(param + "_" + form + ".onnx");
    f->made = run("/usr/bin/python3 " + quote(source_root() + "/tests/fixtures/torch2_sdpa_models.py") + " " + model +
                  " " + form + " " + quote(f->pt) + (no_grad ? " --no-grad" : ""));
    if (f->made.exit_code != 0) continue;
    std::string args;
    std::istringstream words(f->made.out);
    p.specs.clear();
    for (std::string w; words >> w;) args += " --input " + w, p.specs.push_back(parse_input_spec(w));
    f->exported = run(quote(modelexport_bin()) + " export " + quote(f->pt) + " " + quote(f->onnx) +
                      " --strategy htp --plugin-dir " + quote(plugin_build_dir()) + args);
    if (f->exported.exit_code != 0) continue;
    f->proto.ParseFromString(read_file(f->onnx));
    f->sidecar = nlohmann::json::parse(read_file(f->onnx.substr(0, f->onnx.size() - 5) + "_hierarchy.json"));
  }
  return cache.emplace(param, std::move(p)).first->second;
}

class Torch2File : public ::testing::TestWithParam<std::string> {
 protected:
  const Pair& p() {
    const Pair& r = pair(GetParam());
    for (const Form* f : {&r.v113, &r.v2}) {
      EXPECT_EQ(f->made.exit_code, 0) << f->made.err;
      EXPECT_EQ(f->exported.exit_code, 0) << f->exported.err;
    }
    return r;
  }
};

TEST_P(Torch2File, OnnxRuntimeMatchesLibTorchOnThe113Form) {
  const Pair& r = p();
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> names;
  for (const auto& s : r.specs) names.push_back(s.name);
  const auto inputs = make_inputs(r.specs, 11);  // other values than the export's trace saw
  const auto expected = run_reference(r.v113.pt, inputs);
  const auto own = run_reference(r.v2.pt, inputs);  // LibTorch runs the torch 2.x file too
  for (const Form* f : {&r.v2, &r.v113}) {
    const auto actual = run_onnxruntime(f->onnx, names, inputs);
    ASSERT_EQ(actual.size(), expected.size()) << f->pt;
    for (size_t i = 0; i < actual.size(); ++i) {
      ASSERT_EQ(actual[i]->shape, expected[i]->shape) << f->pt << " output " << i;
      EXPECT_GT(max_abs(*expected[i]), 1e-3) << "output " << i << " is all but zero";
      // Relative to the largest output: the export's float noise is a few ulps of it (2e-7 to
      // 4e-7 here), while a 1% error in the attention scale moves GPT-2's logits by 1.7e-6 of it.
      const double bound = 1e-6 * max_abs(*expected[i]);
      EXPECT_LE(max_abs_diff(*actual[i], *expected[i]), bound) << f->pt << " output " << i;
      std::cout << GetParam() << (f == &r.v2 ? " torch2" : " torch113") << " output " << i
                << ": max |ORT - LibTorch 1.13 form| " << max_abs_diff(*actual[i], *expected[i]) << ", max |out| "
                << max_abs(*expected[i]) << "\n";
      EXPECT_LE(max_abs_diff(*own[i], *expected[i]), bound) << "LibTorch on the torch 2.x file, output " << i;
    }
  }
}

// Distinct node tags, and per module (path, class, tag) of the modules that kept nodes.
std::set<std::string> node_tags(const onnx::ModelProto& m) {
  std::set<std::string> out;
  for (const auto& node : m.graph().node()) out.insert(node_metadata(node, kTagKey));
  return out;
}

std::set<std::string> modules_with_nodes(const nlohmann::json& sidecar) {
  std::set<std::string> out;
  for (const auto& m : sidecar.at("modules"))
    if (m.value("total_nodes", 0) > 0)
      out.insert(m.value("path", "") + " " + m.value("class_name", "") + " " + m.value("tag", ""));
  return out;
}

TEST_P(Torch2File, SameTagsAsThe113Form) {
  const Pair& r = p();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(node_tags(r.v2.proto), node_tags(r.v113.proto));
  EXPECT_EQ(modules_with_nodes(r.v2.sidecar), modules_with_nodes(r.v113.sidecar));
  const auto counts = counted_ops(r.v2.proto);
  EXPECT_EQ(counts, counted_ops(r.v113.proto));
  int softmax = 0;  // each attention's softmax, tagged with its attention module
  for (const auto& [key, n] : counts) softmax += key.second == "Softmax" ? n : 0;
  EXPECT_EQ(softmax, 2) << "two layers, one attention each";
  EXPECT_EQ(r.v2.sidecar.at("summary").value("decisions", nlohmann::json::object()).value("root", 0),
            r.v113.sidecar.at("summary").value("decisions", nlohmann::json::object()).value("root", 0));
}

INSTANTIATE_TEST_SUITE_P(Zoo, Torch2File,
                         ::testing::Values("bert", "bert_no_grad", "gpt2", "gpt2_no_grad", "llama", "llama_no_grad"));

}  // namespace
}  // namespace mx::test
