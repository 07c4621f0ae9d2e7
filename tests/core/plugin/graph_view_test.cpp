// The host ABI table (mx_host_api_t) called as a plugin calls it, on a tiny graph: counts,
// filled structs, bad indices and NULLs refused with MX_STATUS_INVALID_ARGUMENT, and a
// caller's smaller struct_size never written past.
#include "plugin/graph_view.h"

#include <gtest/gtest.h>
#include <modelexport/plugin.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "support/tiny_graph.h"

namespace mx::test {
namespace {

struct Fixture {
  TinyGraph g;
  int64_t block = g.module(0, "block", "Block");
  int64_t e0 = g.entry(block, "aten::relu");
  Fixture() {
    g.input("x");
    g.initializer("w", block);
    g.node("Relu", {"x"}, {"r"}, e0);
    g.node("Mul", {"r", "w"}, {"y"}, -1, false);
    g.output("y");
  }
};

const mx_host_api_t& api() { return *host_api(); }

// The status's code, released.
int32_t code_of(mx_status_t* s) {
  int32_t code = status_code(s);
  api().status_release(s);
  return code;
}

TEST(GraphView, CountsAndStructsDescribeTheGraph) {
  Fixture f;
  mx_graph_t graph(f.g.trace, f.g.model, "test");
  EXPECT_EQ(api().struct_size, sizeof(mx_host_api_t));
  EXPECT_EQ(api().node_count(&graph), 2);
  EXPECT_EQ(api().value_count(&graph), 4);  // x, w, r, y
  EXPECT_EQ(api().trace_entry_count(&graph), 1);
  EXPECT_EQ(api().module_count(&graph), 2);
  mx_node_t n{};
  n.struct_size = sizeof(n);
  ASSERT_EQ(api().get_node(&graph, 1, &n), nullptr);
  EXPECT_STREQ(n.op_type, "Mul");
  EXPECT_EQ(n.input_count, 2);
  EXPECT_EQ(n.trace_entry, MX_NONE);
  EXPECT_EQ(n.is_primary, 0);
  mx_value_t w{};
  w.struct_size = sizeof(w);
  ASSERT_EQ(api().get_value(&graph, n.inputs[1], &w), nullptr);
  EXPECT_STREQ(w.name, "w");
  EXPECT_EQ(w.kind, MX_VALUE_INITIALIZER);
  EXPECT_EQ(w.owner_module, f.block);
  mx_trace_entry_t e{};
  e.struct_size = sizeof(e);
  ASSERT_EQ(api().get_trace_entry(&graph, 0, &e), nullptr);
  EXPECT_STREQ(e.op, "aten::relu");
  ASSERT_EQ(e.module_stack_size, 2);
  EXPECT_EQ(e.module_stack[1], f.block);
  mx_module_t m{};
  m.struct_size = sizeof(m);
  ASSERT_EQ(api().get_module(&graph, f.block, &m), nullptr);
  EXPECT_STREQ(m.path, "block");
  EXPECT_EQ(m.parent, 0);
}

TEST(GraphView, BadIndicesAndNullsAreInvalidArguments) {
  Fixture f;
  mx_graph_t graph(f.g.trace, f.g.model, "test");
  mx_node_t n{};
  n.struct_size = sizeof(n);
  mx_value_t v{};
  v.struct_size = sizeof(v);
  mx_trace_entry_t e{};
  e.struct_size = sizeof(e);
  mx_module_t m{};
  m.struct_size = sizeof(m);
  EXPECT_EQ(code_of(api().get_node(&graph, 2, &n)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().get_node(&graph, -1, &n)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().get_value(&graph, 4, &v)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().get_trace_entry(&graph, 1, &e)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().get_module(&graph, 2, &m)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().get_node(&graph, 0, nullptr)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().set_module_tag(&graph, 5, "/Net")), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().set_module_tag(&graph, 0, "no slash")), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().set_node_tag(&graph, 0, 7, MX_DECISION_DIRECT)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(code_of(api().set_node_tag(&graph, 0, 0, 99)), MX_STATUS_INVALID_ARGUMENT);
  mx_node_t unset{};  // struct_size 0: the caller did not say how much it has
  EXPECT_EQ(code_of(api().get_node(&graph, 0, &unset)), MX_STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(api().get_module_tag(&graph, 9), nullptr);
  mx_status_t* s = api().get_node(&graph, 3, &n);
  EXPECT_NE(std::string(api().status_message(s)).find("no node 3"), std::string::npos) << api().status_message(s);
  api().status_release(s);
}

TEST(GraphView, ASmallerStructSizeIsFilledNoFurther) {
  Fixture f;
  mx_graph_t graph(f.g.trace, f.g.model, "test");
  // An older plugin's mx_node_t that ends before input_count: the bytes after it are not its own.
  const uint32_t old_size = offsetof(mx_node_t, input_count);
  unsigned char buffer[sizeof(mx_node_t)];
  std::memset(buffer, 0xAB, sizeof(buffer));
  auto* n = reinterpret_cast<mx_node_t*>(buffer);
  n->struct_size = old_size;
  ASSERT_EQ(api().get_node(&graph, 0, n), nullptr);
  EXPECT_EQ(n->struct_size, old_size);
  EXPECT_STREQ(n->op_type, "Relu");
  for (size_t i = old_size; i < sizeof(buffer); ++i) ASSERT_EQ(buffer[i], 0xAB) << "byte " << i << " written";
}

TEST(GraphView, TagsSetThroughTheTableAreTheAnswer) {
  Fixture f;
  mx_graph_t graph(f.g.trace, f.g.model, "test");
  ASSERT_EQ(api().set_module_tag(&graph, f.block, "/Net/Block"), nullptr);
  EXPECT_STREQ(api().get_module_tag(&graph, f.block), "/Net/Block");
  ASSERT_EQ(api().set_node_tag(&graph, 1, f.block, MX_DECISION_PRODUCER), nullptr);
  EXPECT_EQ(graph.result.node_module[1], f.block);
  EXPECT_EQ(graph.result.node_decision[1], MX_DECISION_PRODUCER);
  EXPECT_EQ(graph.result.node_module[0], -1);
}

}  // namespace
}  // namespace mx::test
