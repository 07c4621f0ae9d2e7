// BatchNormalization folding (see fold_batchnorm.h).
#include "passes/fold_batchnorm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "onnx_io/model_io.h"
#include "onnx_io/node_inputs.h"
#include "passes/remove_dead_nodes.h"

namespace mx {
namespace {

// Float32 contents of an initializer, or empty if it is not float32.
std::vector<float> floats_of(const ConvertedModel& m, const onnx::TensorProto& t) {
  std::vector<float> out;
  if (t.data_type() != onnx::TensorProto::FLOAT) return out;
  std::string_view bytes = initializer_bytes(m, t);
  if (!bytes.empty()) {
    out.resize(bytes.size() / sizeof(float));
    std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  } else {
    out.assign(t.float_data().begin(), t.float_data().end());
  }
  return out;
}

// A new float32 initializer `name` of shape `dims` holding `count` values, kept beside the proto.
onnx::TensorProto* add_floats(ConvertedModel& m, const std::string& name, std::vector<int64_t> dims,
                              std::shared_ptr<float[]> values, size_t count, int64_t owner) {
  TensorData data;
  data.dtype = DType::Float;
  data.shape = std::move(dims);
  data.data = values.get();
  data.nbytes = count * sizeof(float);
  data.owner = std::move(values);
  return m.add_initializer(name, data, owner);
}

// The Conv weight's values times its output channel's factor, written once into `out`: the
// weights are most of a CNN's bytes, and copying them first and then scaling (and zeroing the
// buffer before either) took most of this pass's time (perf, mobilenet_v2). `out` may be the
// weight's own bytes: each value is read before it is written.
void scale_weight(const ConvertedModel& m, const onnx::TensorProto& w, const std::vector<float>& factor,
                  size_t per_channel, float* out) {
  std::string_view bytes = initializer_bytes(m, w);
  for (size_t c = 0; c < factor.size(); ++c) {
    float* to = out + c * per_channel;
    const float k = factor[c];  // a local: `to` might alias the vector's floats, which would keep the loop scalar
    if (bytes.empty()) {
      for (size_t i = 0; i < per_channel; ++i) to[i] = w.float_data(static_cast<int>(c * per_channel + i)) * k;
      continue;
    }
    const char* from = bytes.data() + c * per_channel * sizeof(float);
    for (size_t i = 0; i < per_channel; ++i) {
      float v;
      std::memcpy(&v, from + i * sizeof(float), sizeof v);  // the bytes need not be aligned
      to[i] = v * k;
    }
  }
}

// Every name that a node of `g` (with its subgraphs) or the graph's outputs read, with how often.
std::unordered_map<std::string, int> count_uses(const onnx::GraphProto& g) {
  std::unordered_map<std::string, int> uses;
  for (const auto& n : g.node())
    for (const auto& name : node_inputs(n)) uses[name]++;
  for (const auto& o : g.output()) uses[o.name()]++;
  return uses;
}

// The Conv weights whose bytes beside the proto may be overwritten by their folded values
// (FoldWeights::InPlace): read by one node only, in this graph and every subgraph; aligned
// float32; and no other initializer's bytes overlapping theirs (a view of the same storage).
// Only Conv weights are looked at: a model without Conv pays nothing here.
std::set<std::string> writable_weights(const ConvertedModel& m) {
  const auto& graph = m.model.graph();
  std::set<std::string> conv_weights;
  for (const auto& n : graph.node())
    if (n.op_type() == "Conv" && n.input_size() > 1) conv_weights.insert(n.input(1));
  if (conv_weights.empty()) return {};
  std::unordered_map<std::string, int> uses = count_uses(graph);
  std::vector<std::pair<const char*, const char*>> ranges;
  for (const auto& t : graph.initializer()) {
    std::string_view b = initializer_bytes(m, t);
    if (!b.empty()) ranges.emplace_back(b.data(), b.data() + b.size());
  }
  std::sort(ranges.begin(), ranges.end());
  std::set<std::string> out;
  for (const auto& t : graph.initializer()) {
    if (!conv_weights.count(t.name())) continue;
    auto found = m.external_data.find(t.name());
    if (found == m.external_data.end() || t.data_type() != onnx::TensorProto::FLOAT || uses[t.name()] != 1) continue;
    const char* begin = static_cast<const char*>(found->second.data);
    const char* end = begin + found->second.nbytes;
    if (!begin || reinterpret_cast<uintptr_t>(begin) % alignof(float) != 0) continue;
    // Sorted by start: a range that overlaps ours starts before our end and ends after our
    // start; ours is one of them, so more than one means shared bytes.
    int overlapping = 0;
    for (auto r = ranges.begin(); r != ranges.end() && r->first < end; ++r)
      if (r->second > begin) ++overlapping;
    if (overlapping == 1) out.insert(t.name());
  }
  return out;
}

// How many float32 values the initializer holds, or 0 if it is not float32.
size_t float_count(const ConvertedModel& m, const onnx::TensorProto& t) {
  if (t.data_type() != onnx::TensorProto::FLOAT) return 0;
  std::string_view bytes = initializer_bytes(m, t);
  return bytes.empty() ? static_cast<size_t>(t.float_data_size()) : bytes.size() / sizeof(float);
}

float attr_f(const onnx::NodeProto& n, const std::string& name, float fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.f();
  return fallback;
}

// `base` + `suffix`, or with _1, _2, ... appended if that initializer name is taken.
std::string unique_name(std::set<std::string>& names, const std::string& base, const std::string& suffix) {
  std::string name = base + suffix;
  for (int k = 1; !names.insert(name).second; ++k) name = base + suffix + "_" + std::to_string(k);
  return name;
}

// The Conv weight and bias with BatchNormalization (scale, shift, mean, var) folded in, as
// new initializers (the originals may be used elsewhere and keep their meaning), named after
// the Conv's parameter ("layer1.0.conv1.weight_folded"). Empty names if the shapes do not fit.
// `in_place`: the folded weight is written over the original's bytes, which nothing else
// reads (writable_weights), and the new initializer holds them: no second copy in memory.
std::pair<std::string, std::string> fold_pair(ConvertedModel& m, const onnx::TensorProto& w,
                                              const onnx::TensorProto* bias,
                                              const std::array<onnx::TensorProto*, 4>& bn, float eps,
                                              std::set<std::string>& names, bool in_place) {
  std::vector<float> scale = floats_of(m, *bn[0]), shift = floats_of(m, *bn[1]), mean = floats_of(m, *bn[2]),
                     var = floats_of(m, *bn[3]);
  const size_t weights = float_count(m, w);
  size_t channels = w.dims_size() > 0 ? static_cast<size_t>(w.dims(0)) : 0;
  if (weights == 0 || channels == 0 || weights % channels != 0 || scale.size() != channels ||
      shift.size() != channels || mean.size() != channels || var.size() != channels)
    return {};
  std::vector<float> b_old = bias ? floats_of(m, *bias) : std::vector<float>(channels, 0.0f);
  if (b_old.size() != channels) return {};
  // y = (conv(x) + b - mean) * scale / sqrt(var + eps) + shift
  std::vector<float> k(channels);
  auto b_new = std::shared_ptr<float[]>(new float[channels]);
  for (size_t c = 0; c < channels; ++c) {
    k[c] = scale[c] / std::sqrt(var[c] + eps);
    b_new[c] = (b_old[c] - mean[c]) * k[c] + shift[c];
  }
  std::string base = w.name();
  if (base.size() > 6 && base.compare(base.size() - 6, 6, "weight") == 0) base.resize(base.size() - 6);
  std::vector<int64_t> w_dims(w.dims().begin(), w.dims().end());
  auto owner = m.initializer_owner.find(w.name());
  int64_t owner_module = owner == m.initializer_owner.end() ? -1 : owner->second;
  std::string w_name = unique_name(names, base, "weight_folded"), b_name = unique_name(names, base, "bias_folded");
  if (in_place) {
    TensorData data = m.external_data.at(w.name());  // its owner keeps the bytes alive
    float* bytes = static_cast<float*>(const_cast<void*>(data.data));
    scale_weight(m, w, k, weights / channels, bytes);
    data.shape = w_dims;
    m.add_initializer(w_name, data, owner_module);
  } else {
    std::shared_ptr<float[]> weight(new float[weights]);
    scale_weight(m, w, k, weights / channels, weight.get());
    add_floats(m, w_name, w_dims, std::move(weight), weights, owner_module);
  }
  add_floats(m, b_name, {static_cast<int64_t>(channels)}, std::move(b_new), channels, owner_module);
  return {w_name, b_name};
}

}  // namespace

std::vector<FoldNote> fold_batchnorm(ConvertedModel& m, FoldWeights how) {
  const std::set<std::string> writable = how == FoldWeights::InPlace ? writable_weights(m) : std::set<std::string>{};
  auto& graph = *m.model.mutable_graph();
  std::unordered_map<std::string, int> init_index, producer, uses;
  for (int i = 0; i < graph.initializer_size(); ++i) init_index[graph.initializer(i).name()] = i;
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const auto& o : graph.node(i).output()) producer[o] = i;
    for (const auto& in : node_inputs(graph.node(i))) uses[in]++;  // also what its subgraphs read
  }
  for (const auto& o : graph.output()) uses[o.name()]++;
  auto init = [&](const std::string& name) -> onnx::TensorProto* {
    auto it = init_index.find(name);
    return it == init_index.end() ? nullptr : graph.mutable_initializer(it->second);
  };

  std::vector<FoldNote> notes;
  std::vector<bool> drop(graph.node_size(), false);
  std::map<std::string, std::pair<std::string, std::string>> folded_pairs;  // parameters -> folded weight, bias
  std::set<std::string> names;
  for (const auto& t : graph.initializer()) names.insert(t.name());
  for (int b = 0; b < graph.node_size(); ++b) {
    const auto& bn = graph.node(b);
    if (bn.op_type() != "BatchNormalization" || bn.input_size() != 5 || bn.output_size() != 1) continue;
    auto p = producer.find(bn.input(0));
    if (p == producer.end() || uses[bn.input(0)] != 1) continue;
    auto& conv = *graph.mutable_node(p->second);
    if (conv.op_type() != "Conv" || conv.input_size() < 2) continue;
    auto* w = init(conv.input(1));
    auto* bias = conv.input_size() > 2 ? init(conv.input(2)) : nullptr;
    if (!w || (conv.input_size() > 2 && !bias)) continue;
    if (!init(bn.input(1)) || !init(bn.input(2)) || !init(bn.input(3)) || !init(bn.input(4))) continue;
    // A module called twice folds the same parameters twice: make the pair once.
    float eps = attr_f(bn, "epsilon", 1e-5f);
    std::string key = conv.input(1) + "|" + (bias ? bias->name() : "") + "|" + bn.input(1) + "|" + bn.input(2) + "|" +
                      bn.input(3) + "|" + bn.input(4) + "|" + std::to_string(eps);
    auto made = folded_pairs.find(key);
    if (made == folded_pairs.end()) {
      auto pair = fold_pair(m, *w, bias, {init(bn.input(1)), init(bn.input(2)), init(bn.input(3)), init(bn.input(4))},
                            eps, names, writable.count(w->name()) > 0);
      if (pair.first.empty()) continue;
      made = folded_pairs.emplace(key, pair).first;
    }
    const auto& [w_name, b_name] = made->second;
    conv.set_input(1, w_name);
    if (conv.input_size() > 2)
      conv.set_input(2, b_name);
    else
      conv.add_input(b_name);
    m.replace_output(p->second, 0, bn.output(0));
    drop[b] = true;
    notes.push_back({bn.name(), conv.name(), m.origins[b].trace_entry});
  }
  m.remove_nodes(drop);
  remove_dead_nodes(m);
  m.folded.insert(m.folded.end(), notes.begin(), notes.end());
  return notes;
}

}  // namespace mx
