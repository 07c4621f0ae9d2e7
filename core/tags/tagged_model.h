// A tagged ONNX file read back: every node's tag metadata, and the module tree from the
// sidecar JSON (or, without one, rebuilt from the tags), with node counts per module.
#pragma once

#include <onnx/onnx_pb.h>

#include <memory>
#include <string>
#include <vector>

namespace modelexport::sidecar {
class Hierarchy;
}

namespace mx {

struct TaggedNode {
  std::string name, op_type;
  bool has_tag = false;  // the modelexport.tag key is present (its value may still be bad)
  std::string tag, module, decision, ns;
  int module_index = -1;  // in TaggedModel::modules; -1 if the node's module is not known there
};

struct TaggedModule {
  std::string path;  // "layer2.1.conv2", "" for the root
  std::string class_name, tag;
  int parent = -1;
  std::vector<int> children;
  int calls = 0;
  int direct_nodes = 0, total_nodes = 0;  // counted from node metadata, not copied from the sidecar
  std::vector<std::string> other_paths;   // the same module object's other names (sidecar only)

  // ModuleList/ModuleDict: no tag segment of its own, so it shares its parent's tag.
  bool hidden(const std::vector<TaggedModule>& all) const { return parent >= 0 && all[parent].tag == tag; }
};

struct TaggedModel {
  std::string onnx_path, sidecar_path;
  onnx::ModelProto model;
  std::shared_ptr<const modelexport::sidecar::Hierarchy> sidecar;  // null if absent or unreadable
  std::string sidecar_error;                                       // the sidecar exists but cannot be read: why
  std::vector<TaggedNode> nodes;                                   // parallel to model.graph().node()
  std::vector<TaggedModule> modules;                               // [0] is the root
  bool modules_from_sidecar = false;

  int find_path(const std::string& path) const;  // -1 if none
  int find_tag(const std::string& tag) const;    // the visible module with that tag; -1 if none
  // "layer2" or "<root>" for messages.
  std::string label(int module) const;
  // The part of its tag a module adds ("BasicBlock.0"; the root's whole tag), or
  // "[Class]" for a hidden one, for printed trees.
  std::string tree_label(int module) const;
  // The nodes of module `m` and its descendants, in graph order.
  std::vector<int> nodes_of(int module) const;
  std::vector<int> subtree(int module) const;  // m first, then descendants, parents first
};

// Reads `onnx_path` (see read_onnx_file for its errors) and the sidecar (`sidecar_path`, or
// <stem>_hierarchy.json beside it; a missing one is fine). Never throws for a bad sidecar:
// sets sidecar_error instead, so that `tags validate` can report it with the rest.
// With `weights` false the initializers have no data (see read_onnx_file): for the tools
// that only read tags and the graph.
TaggedModel load_tagged_model(const std::string& onnx_path, const std::string& sidecar_path = "",
                              bool weights = true);

// Throws mx::Error if the sidecar is unreadable or no node carries a tag (naming the file
// and what to do), for commands that need the tags.
void require_tags(const TaggedModel& model);

}  // namespace mx
