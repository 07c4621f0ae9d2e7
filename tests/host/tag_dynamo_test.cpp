// `modelexport tag` without --model on files shaped like torch 2.x's dynamo exporter output
// (tests/fixtures/dynamo_style_onnx.py: 1.13's export of the model, each node's module stack
// rewritten into the exporter's metadata_props from PyTorch's own scopes, node names
// scope-free): every node tagged from the metadata alone, the same tags as tagging the
// scope-named file of the same export with the TorchScript model, and per-module
// Conv/Gemm/MatMul/Softmax counts equal to our own export's.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "onnx_io/node_metadata.h"
#include "support/model_exports.h"
#include "support/test_env.h"
#include "tags/tag_output.h"
#include "tags/torch_metadata.h"

namespace mx::test {
namespace {

struct Files {
  std::string dynamo, scoped, out, scoped_out, specs;
  CommandResult made, tagged, scoped_tagged;
  onnx::ModelProto proto, scoped_proto;
};

std::string tag_command(const std::string& in, const std::string& out, const std::string& extra) {
  return quote(modelexport_bin()) + " tag " + quote(in) + " -o " + quote(out) + " --plugin-dir " +
         quote(plugin_build_dir()) + extra;
}

// The dynamo-style file and the plain torch.onnx.export file of `model`, both tagged; cached.
const Files& files(const std::string& model) {
  static TempDir dir;
  static std::map<std::string, Files> cache;
  if (auto it = cache.find(model); it != cache.end()) return it->second;
  Files f;
  f.dynamo = dir.file(model + "_dynamo.onnx");
  f.scoped = dir.file(model + "_torch.onnx");
  f.out = dir.file(model + "_dynamo_tagged.onnx");
  f.scoped_out = dir.file(model + "_torch_tagged.onnx");
  const std::string fixtures = source_root() + "/tests/fixtures/";
  f.made = run("/usr/bin/python3 " + quote(fixtures + "dynamo_style_onnx.py") + " " + model + " " + quote(f.dynamo));
  run("/usr/bin/python3 " + quote(fixtures + "torch_onnx_export.py") + " " + model + " " + quote(f.scoped));
  f.specs = f.made.out.substr(0, f.made.out.find('\n'));
  if (f.made.exit_code == 0) {
    f.tagged = run(tag_command(f.dynamo, f.out, ""));
    f.proto.ParseFromString(read_file(f.out));
    f.scoped_tagged = run(tag_command(f.scoped, f.scoped_out, " --model " + quote(fixture_model(model))));
    f.scoped_proto.ParseFromString(read_file(f.scoped_out));
  }
  return cache.emplace(model, std::move(f)).first->second;
}

class TagDynamo : public ::testing::TestWithParam<std::string> {
 protected:
  const Files& f() {
    const Files& r = files(GetParam());
    EXPECT_EQ(r.made.exit_code, 0) << r.made.err;
    EXPECT_EQ(r.tagged.exit_code, 0) << r.tagged.err;
    return r;
  }
};

TEST_P(TagDynamo, EveryNodeTaggedFromTheMetadataAlone) {
  const auto& r = f();
  ASSERT_EQ(r.tagged.exit_code, 0);
  const int nodes = r.proto.graph().node_size();
  ASSERT_GT(nodes, 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.tagged.out, m, std::regex(R"(rules +metadata (\d+), graph (\d+))"))) << r.tagged.out;
  EXPECT_EQ(std::stoi(m[1]) + std::stoi(m[2]), nodes);
  EXPECT_GT(std::stoi(m[1]), nodes / 2) << "most nodes carry a module stack";
  EXPECT_NE(r.tagged.out.find("with the modules of its node metadata"), std::string::npos) << r.tagged.out;
  int kept = 0;  // the exporter's own metadata stays beside ours
  for (const auto& node : r.proto.graph().node()) {
    EXPECT_EQ(node_metadata(node, kTagKey).rfind("/", 0), 0u) << node.name();
    kept += !node_metadata(node, kNameScopesKey).empty();
  }
  onnx::ModelProto in;
  ASSERT_TRUE(in.ParseFromString(read_file(r.dynamo)));
  int had = 0;
  for (const auto& node : in.graph().node()) had += !node_metadata(node, kNameScopesKey).empty();
  EXPECT_EQ(kept, had) << "pkg.torch.onnx.name_scopes kept on every node that had it";
  EXPECT_LE(std::stoi(m[1]), had);
  auto v = run(quote(modelexport_bin()) + " tags " + quote(r.out) + " validate");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

// The same export tagged two ways: from its metadata, and from its scope names plus the
// TorchScript model's module tree. Node for node, the tags agree.
TEST_P(TagDynamo, SameTagsAsTheScopeNamedFileTaggedWithTheModel) {
  const auto& r = f();
  ASSERT_EQ(r.scoped_tagged.exit_code, 0) << r.scoped_tagged.err;
  ASSERT_EQ(r.proto.graph().node_size(), r.scoped_proto.graph().node_size());
  int differ = 0;
  for (int n = 0; n < r.proto.graph().node_size(); ++n) {
    const auto& a = r.proto.graph().node(n);
    const auto& b = r.scoped_proto.graph().node(n);
    ASSERT_EQ(a.op_type(), b.op_type()) << "node " << n;
    if (node_metadata(a, kTagKey) != node_metadata(b, kTagKey) && differ++ < 5)
      ADD_FAILURE() << b.name() << ": " << node_metadata(a, kTagKey) << " from metadata, " << node_metadata(b, kTagKey)
                    << " from the scope and the model";
  }
  EXPECT_EQ(differ, 0);
}

TEST_P(TagDynamo, PerModuleConvGemmMatMulSoftmaxCountsEqualOurExport) {
  const auto& r = f();
  ASSERT_EQ(r.tagged.exit_code, 0);
  std::string args;
  std::istringstream in(r.specs);
  for (std::string spec; in >> spec;) args += " --input " + spec;
  const auto& ours = export_with({GetParam(), args}, "htp");
  ASSERT_EQ(ours.result.exit_code, 0) << ours.result.err;
  auto theirs = counted_ops(r.proto);
  auto mine = counted_ops(ours.proto);
  EXPECT_FALSE(mine.empty());
  EXPECT_EQ(theirs, mine);
}

INSTANTIATE_TEST_SUITE_P(Models, TagDynamo, ::testing::Values("resnet18", "bert"));

class TagDynamoErrors : public ::testing::Test {
 protected:
  // The resnet18 dynamo-style file with node 3's name_scopes replaced by `scopes`.
  std::string broken(const std::string& scopes) {
    onnx::ModelProto m;
    m.ParseFromString(read_file(files("resnet18").dynamo));
    auto* node = m.mutable_graph()->mutable_node(3);
    remove_node_metadata(*node, {kNameScopesKey});
    add_node_metadata(*node, kNameScopesKey, scopes);
    const std::string path = dir.file("broken.onnx");
    std::ofstream(path, std::ios::binary) << m.SerializeAsString();
    return path;
  }
  TempDir dir;
};

TEST_F(TagDynamoErrors, MalformedModuleStackNamesTheNode) {
  const std::string in = broken("['', 'layer1', 42]");
  const std::string before = read_file(in);
  auto res = run(tag_command(in, dir.file("o.onnx"), ""));
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_EQ(std::count(res.err.begin(), res.err.end(), '\n'), 1) << res.err;
  EXPECT_NE(res.err.find("node 'node_Conv_3'"), std::string::npos) << res.err;
  EXPECT_NE(res.err.find("is not a list of strings"), std::string::npos) << res.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"broken.onnx"});
  EXPECT_EQ(read_file(in), before);
}

}  // namespace
}  // namespace mx::test
