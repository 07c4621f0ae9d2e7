// Cached exports of fixture models (see model_exports.h).
#include "model_exports.h"

#include <map>
#include <stdexcept>

namespace mx::test {

std::vector<ModelCase> strategy_model_cases() {
  return {{"mlp", "--input x:float32:2x16"},
          {"resnet18", "--input x:float32:1x3x224x224"},
          {"bert", "--input input_ids:int64:1x16 --input attention_mask:int64:1x16"},
          {"transformer_encoder", "--input x:float32:2x10x32 --input padding_mask:bool:2x10"},
          {"transformer_decoder",
           "--input tgt:float32:1x6x32 --input memory:float32:1x10x32 --input memory_key_padding_mask:bool:1x10"},
          {"rnn", "--input x:float32:2x12x16"}};
}

const ModelExport& export_with(const ModelCase& c, const std::string& strategy) {
  static TempDir dir;
  static std::map<std::string, ModelExport> cache;
  const std::string key = c.model + "_" + strategy;
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  ModelExport e;
  e.onnx = dir.file(key + ".onnx");
  e.sidecar = dir.file(key + "_hierarchy.json");
  e.result = run(quote(modelexport_bin()) + " export " + quote(fixture_model(c.model)) + " " + quote(e.onnx) +
                 " --strategy " + strategy + " --plugin-dir " + quote(plugin_build_dir()) + " " + c.input_args);
  if (e.result.exit_code == 0) e.proto.ParseFromString(read_file(e.onnx));
  return cache.emplace(key, std::move(e)).first->second;
}

ModelCase model_case(const std::string& model) {
  for (const auto& c : strategy_model_cases())
    if (c.model == model) return c;
  throw std::runtime_error("no model case '" + model + "'");
}

CommandResult profile_in_onnxruntime(const std::string& onnx, const std::string& model, const std::string& dir,
                                     const std::string& level, int runs) {
  std::string cmd = "node " + quote(source_root() + "/tests/ort/profile_model.js") + " " + quote(onnx) + " " +
                    quote(dir) + " " + level + " " + std::to_string(runs);
  for (const auto& spec : fixture_inputs(model)) cmd += " " + quote(spec);
  return run(cmd);
}

}  // namespace mx::test
