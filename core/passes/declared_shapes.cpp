// Output dims that can change under --dynamic, found by ONNX shape inference (see
// declared_shapes.h).
#include "passes/declared_shapes.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <set>

namespace mx {
namespace {

// Initializers up to this many bytes are copied into the probe with their data (shape
// operands, axes, small constants that inference reads); larger ones (weights) become
// typed graph inputs, so the probe costs no copy of the weights.
constexpr size_t kCopiedInitializerBytes = 4096;

bool has_data(const onnx::TensorProto& t) {
  return t.has_raw_data() || t.float_data_size() || t.int64_data_size() || t.int32_data_size() ||
         t.double_data_size() || t.uint64_data_size();
}

// The graph with its output shapes cleared (inference would keep declared ones), then
// inferred. Empty optional-like result (no outputs) if inference throws.
onnx::GraphProto inferred_outputs(const onnx::ModelProto& model) {
  onnx::ModelProto probe;
  probe.set_ir_version(model.ir_version());
  *probe.mutable_opset_import() = model.opset_import();
  const auto& g = model.graph();
  auto* pg = probe.mutable_graph();
  *pg->mutable_node() = g.node();
  *pg->mutable_input() = g.input();
  for (const auto& t : g.initializer()) {
    if (has_data(t) && static_cast<size_t>(t.ByteSizeLong()) <= kCopiedInitializerBytes) {
      *pg->add_initializer() = t;
      continue;
    }
    auto* in = pg->add_input();
    in->set_name(t.name());
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(t.data_type());
    auto* shape = tt->mutable_shape();
    for (auto d : t.dims()) shape->add_dim()->set_dim_value(d);
  }
  for (const auto& o : g.output()) {
    auto* po = pg->add_output();
    po->set_name(o.name());
    po->mutable_type()->mutable_tensor_type()->set_elem_type(o.type().tensor_type().elem_type());
  }
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/false, /*strict_mode=*/0, /*data_prop=*/true);
    onnx::shape_inference::InferShapes(probe, onnx::OpSchemaRegistry::Instance(), options);
  } catch (...) {
    // Nothing proven: every dim of a dynamic output becomes symbolic below.
    pg->clear_output();
  }
  return std::move(*pg);
}

}  // namespace

bool has_data_dependent_sizes(const ConvertedModel& model) {
  static const std::set<std::string> ops{"NonZero", "Unique", "Compress", "NonMaxSuppression"};
  for (const auto& n : model.model.graph().node())
    if (ops.count(n.op_type())) return true;
  return false;
}

void relax_static_dims(ConvertedModel& model) {
  auto* g = model.model.mutable_graph();
  std::set<std::string> labels;  // every dim_param in use, so fresh ones do not clash
  for (const auto* list : {&g->input(), &g->output()})
    for (const auto& v : *list)
      for (const auto& d : v.type().tensor_type().shape().dim())
        if (d.has_dim_param()) labels.insert(d.dim_param());
  std::set<std::string> input_labels = labels;
  onnx::GraphProto inferred = inferred_outputs(model.model);
  int fresh = 0;
  for (int k = 0; k < g->output_size(); ++k) {
    auto* dims = g->mutable_output(k)->mutable_type()->mutable_tensor_type()->mutable_shape();
    const onnx::TensorShapeProto* proven = nullptr;
    if (k < inferred.output_size() && inferred.output(k).type().tensor_type().has_shape() &&
        inferred.output(k).type().tensor_type().shape().dim_size() == dims->dim_size())
      proven = &inferred.output(k).type().tensor_type().shape();
    for (int d = 0; d < dims->dim_size(); ++d) {
      auto* dim = dims->mutable_dim(d);
      if (!dim->has_dim_value()) continue;
      const onnx::TensorShapeProto_Dimension* p = proven ? &proven->dim(d) : nullptr;
      if (p && p->has_dim_value() && p->dim_value() == dim->dim_value()) continue;
      std::string label;
      if (p && p->has_dim_param() && input_labels.count(p->dim_param())) {
        label = p->dim_param();
      } else {
        do label = "dim_" + std::to_string(fresh++);
        while (labels.count(label));
        labels.insert(label);
      }
      dim->set_dim_param(label);
    }
  }
}

}  // namespace mx
