// The trace: every op that ran when the example inputs went through the model, with the
// concrete value of every IR value and the module call stack of every op. Torch-free, so
// that converters and tests compile without LibTorch headers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mx {

// Element types, numbered as ONNX's TensorProto.DataType.
enum class DType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  BFloat16 = 16,
};

const char* dtype_name(DType t);                 // "float32", "int64", ...
DType dtype_from_name(const std::string& name);  // Undefined if unknown
size_t dtype_size(DType t);

// Contiguous tensor bytes kept alive by `owner` (e.g. a LibTorch tensor).
struct TensorData {
  DType dtype = DType::Undefined;
  std::vector<int64_t> shape;
  std::shared_ptr<const void> owner;
  const void* data = nullptr;
  size_t nbytes = 0;

  int64_t numel() const;
};

struct Value {
  enum class Kind {
    Tensor,
    Int,
    Double,
    Bool,
    IntList,
    DoubleList,
    BoolList,
    List,
    Tuple,
    String,
    None,
    Device,
    Module,
    Other
  };
  Kind kind = Kind::Other;
  std::string debug_name;  // the TorchScript IR name, for messages

  // Tensor: dtype and shape as seen in the trace. `data` is set for tensors whose value
  // does not depend on the graph inputs (parameters, buffers, constants, folded results).
  DType dtype = DType::Undefined;
  std::vector<int64_t> shape;
  std::shared_ptr<TensorData> data;
  std::shared_ptr<TensorData> observed;  // every tensor's value, with TraceOptions::keep_values
  std::string param_name;     // "layer1.0.conv1.weight" for parameters and buffers
  int64_t owner_module = -1;  // module holding that parameter or buffer

  // Scalars and lists (their concrete values in the trace).
  int64_t i = 0;
  double d = 0;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::string s;
  std::vector<int64_t> elements;  // List/Tuple: value ids of the elements
  int64_t module = -1;            // Module: module index

  int64_t producer = -1;  // trace entry that produced it, -1 for inputs and constants

  // What depends on a dynamic axis is not recorded here: dynamic-axis analysis returns it
  // apart (DynamicMarks, model/dynamic_marks.h), and the trace stays as tracing made it.

  bool is_tensor() const { return kind == Kind::Tensor; }
  bool is_constant_tensor() const { return kind == Kind::Tensor && data != nullptr; }
};

struct TraceEntry {
  std::string op;                     // "aten::add"
  std::string overload;               // "Tensor", "" for none
  std::vector<int64_t> inputs;        // value ids
  std::vector<int64_t> outputs;       // value ids
  std::vector<int64_t> module_stack;  // module calls, outermost first; [0] is the root
  // Whether it is folded (nothing to emit) is is_folded() in model/dynamic_marks.h.
  // A fused op (kFusedOps in torchscript.cpp) also gets one part entry per submodule whose
  // parameters it reads: same op, inputs = those parameters, no outputs, the call stack
  // extended down to that submodule, part_of = the fused entry. Nothing is emitted for a
  // part entry; the fused op's converter puts the nodes that read those parameters in it,
  // so they are named and tagged as on the unfused path.
  int64_t part_of = -1;

  int64_t module() const { return module_stack.back(); }
};

struct Module {
  std::string path;             // "layer1.0.conv1", "" for the root
  std::string attr;             // "conv1", "" for the root
  std::string class_name;       // "Conv2d"
  std::string qualified_class;  // "torch.nn.modules.conv.Conv2d"
  int64_t parent = -1;
  std::vector<int64_t> children;
  int64_t calls = 0;
  // A module object registered under several names (self.emb and self.seq[0]) has one
  // Module per path, so that it is tagged by the path its calls take; each lists the
  // others here. Its parameters are named by the first path, as named_parameters() does.
  std::vector<std::string> other_paths;
};

// A forward argument that is no graph input: a number, bool, string or None given with
// --arg, or left to its default. The export holds for this value only.
struct ConstantArgument {
  std::string name, type, value;  // "n", "int", "3"
  bool defaulted = false;         // its default, not given
};

struct GraphInput {
  std::string name;
  int64_t value = -1;
};

// One prim::If or prim::Loop as it ran. The export is specialised to what it did: the
// branch it took, the number of trips; a --dynamic export checks that a second trace at
// other sizes did the same.
struct ControlFlow {
  bool loop = false;
  std::string construct;  // "while loop at model.py:12", "if at model.py:40"
  int64_t module = 0;     // the module whose code holds it
  int64_t taken = 0;      // branch 0 (then) or 1 (else); trips for a loop
  // The values it tested: an if's condition; a loop's trip count and every condition it
  // read. Empty for an assertion (an if whose other branch raises), which ONNX cannot keep.
  std::vector<int64_t> tested;
};

struct Trace {
  std::string model_path;
  std::vector<Value> values;
  std::vector<TraceEntry> entries;
  std::vector<Module> modules;  // [0] is the root
  std::vector<GraphInput> inputs;
  std::vector<int64_t> outputs;                          // tensor value ids, tuples and lists flattened in order
  std::vector<std::shared_ptr<TensorData>> input_data;   // example inputs, in order
  std::vector<std::shared_ptr<TensorData>> output_data;  // what the trace computed
  std::vector<ControlFlow> control_flow;                  // in the order they ran
  std::vector<ConstantArgument> constant_args;            // in forward's order of --arg, then defaults
  // None items of a tuple forward returned ("[1] aux_logits2"): no ONNX output, as
  // torch.onnx.export flattens them away (torch.jit._flatten drops None).
  std::vector<std::string> dropped_outputs;

  // Distinct branches (ifs) and loops the trace went through, each counted once however
  // often it ran: what the export is specialised to.
  std::pair<int64_t, int64_t> specialised_control_flow() const;
  // "2 branches and 1 loop specialised to the example input", or "" when there were none.
  std::string control_flow_summary() const;

  // "layer2.1.conv2" or "<root>" for messages.
  std::string module_label(int64_t module) const;
};

}  // namespace mx
