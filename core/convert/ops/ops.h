// What core's C++ emitters share: the table each ops/ file ends with, and small helpers.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "convert/op_registry.h"

namespace mx {

// One converter row: the aten op, the lowest opset its emitter needs, the emitter.
// In-place variants (`aten::relu_`) are derived by the registry and never listed.
struct OpRow {
  const char* aten;
  int since_opset;
  Emitter emit;
};

// An ops/ file's table, registered at load time; `file` is the source file (__FILE__).
struct OpTable {
  OpTable(const char* file, std::initializer_list<OpRow> rows);
};

// Every table registered so far, with its source file spelled from core/ ("core/convert/ops/x.cpp").
struct RegisteredOpTable {
  std::string source;
  std::vector<OpRow> rows;
};
const std::vector<RegisteredOpTable>& registered_op_tables();

// Ends each ops/ file: MX_OPS({{"aten::gelu", 13, emit_gelu}, ...})
#define MX_OPS(...) static const ::mx::OpTable mx_op_table_(__FILE__, __VA_ARGS__);

// A ConstantOfShape node of the op's output type filled with `value` (sizes.cpp).
std::string constant_of_shape(EmitContext& cx, const std::string& shape, double value);

// The dynamic label of dim `dim` of tensor argument `arg`, "" when that dim is static.
std::string dim_label(const EmitContext& cx, size_t arg, size_t dim);

// slice.t on a list of sizes (list_index.cpp), for aten::slice's emitter.
void emit_list_slice(EmitContext& cx);

// One-to-one rows from YAML (the OpEntry names the ONNX op).
void emit_row(EmitContext& cx);

}  // namespace mx
