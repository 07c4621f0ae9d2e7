// Example inputs: random ones from --input specs, or tensors saved with torch.save.
#include <torch/csrc/jit/serialization/pickle.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "base/error.h"
#include "base/input_file.h"
#include "base/zip_directory.h"
#include "torch/tensor_checks.h"
#include "torch/tensor_bridge.h"
#include "torch/torchscript.h"

namespace mx {

namespace jit = torch::jit;

std::vector<std::shared_ptr<TensorData>> make_inputs(const std::vector<InputSpec>& specs, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  std::vector<std::shared_ptr<TensorData>> out;
  for (const auto& spec : specs) {
    at::Tensor t;
    try {
      switch (spec.dtype) {
        case DType::Float:
        case DType::Float16:
        case DType::Double:
        case DType::BFloat16:
          t = at::randn(spec.dims, gen, at::TensorOptions().dtype(at::kFloat)).to(to_scalar_type(spec.dtype));
          break;
        case DType::Bool:
          t = at::randint(std::max<int64_t>(spec.low, 0), std::min<int64_t>(spec.high, 1) + 1, spec.dims, gen,
                          at::TensorOptions().dtype(at::kLong))
                  .to(at::kBool);
          break;
        default:
          t = at::randint(spec.low, spec.high + 1, spec.dims, gen,
                          at::TensorOptions().dtype(to_scalar_type(spec.dtype)));
      }
    } catch (const std::exception& e) {  // e.g. out of memory: one line, not LibTorch's backtrace
      throw Error("cannot make example input '" + spec.name + "' (" + std::to_string(spec.dims.size()) + " dims, " +
                  dtype_name(spec.dtype) + "): " + message_of(e));
    }
    out.push_back(to_data(t, false));
  }
  return out;
}

std::vector<std::shared_ptr<TensorData>> load_inputs(const std::string& path) {
  std::string contents = read_input_file(path, "input file");
  std::vector<char> bytes(contents.begin(), contents.end());
  c10::IValue value;
  try {
    zip_record_sizes(contents, path);  // LibTorch's reader trusts the archive's directory
    contents.clear();
    value = jit::pickle_load(bytes);
  } catch (const std::exception& e) {
    throw Error("input file '" + path + "' is not a tensor or tuple of tensors saved with torch.save: " + message_of(e));
  }
  std::vector<c10::IValue> items;
  if (value.isTensor())
    items = {value};
  else if (value.isTuple())
    items = value.toTupleRef().elements().vec();
  else if (value.isList())
    items = value.toListRef().vec();
  else
    throw Error("input file '" + path + "' holds a " + value.tagKind() + ", not a tensor or a tuple of tensors");
  std::vector<at::Tensor> tensors;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].isTensor())
      throw Error("input file '" + path + "': item " + std::to_string(i) + " is a " + items[i].tagKind() + ", not a tensor");
    if (to_dtype(items[i].toTensor().scalar_type()) == DType::Undefined)
      throw Error("input file '" + path + "': item " + std::to_string(i) + " has an unsupported element type");
    tensors.push_back(items[i].toTensor());
  }
  check_loaded_tensors(tensors, path);  // before anything reads them
  std::vector<std::shared_ptr<TensorData>> out;
  for (const auto& t : tensors) out.push_back(to_data(t, true));
  return out;
}

}  // namespace mx
