// The module calls that torch 2.x's ONNX exporter (the dynamo exporter, torch.onnx.export's
// default since 2.9) writes on each node: metadata_props `pkg.torch.onnx.name_scopes` and
// `pkg.torch.onnx.class_hierarchy`, Python list reprs from the nn.Module stack, e.g.
//   name_scopes     ['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'conv2d']
//   class_hierarchy ['torchvision.models.resnet.ResNet', 'torch.nn.modules.container.Sequential',
//                    'torchvision.models.resnet.BasicBlock', 'torch.nn.modules.conv.Conv2d',
//                    'aten.conv2d.default']
// (the root first, as named_modules() spells paths; the last item is the FX node itself).
// Such a file can be tagged without its TorchScript model.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/trace.h"

namespace mx {

inline constexpr const char* kNameScopesKey = "pkg.torch.onnx.name_scopes";
inline constexpr const char* kClassHierarchyKey = "pkg.torch.onnx.class_hierarchy";

struct TorchModuleMetadata {
  std::vector<Module> modules;     // [0] the root; parents before children
  std::vector<int64_t> node_module;  // per graph node: its innermost module, -1 without metadata
};

// Whether any node of `graph` carries the exporter's module metadata.
bool has_torch_module_metadata(const onnx::GraphProto& graph);

// The module tree the metadata describes. Containers without a forward of their own
// (ModuleList, ModuleDict) never appear in a call stack; they are added from the paths of
// their children. Throws mx::Error naming `label` and the node on malformed metadata.
TorchModuleMetadata modules_from_node_metadata(const onnx::GraphProto& graph, const std::string& label);

// The strings of a Python list-of-str repr ("['', 'conv1']"); throws mx::Error on anything else.
std::vector<std::string> parse_python_str_list(const std::string& repr);

}  // namespace mx
