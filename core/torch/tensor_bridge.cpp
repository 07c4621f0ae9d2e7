// Between LibTorch's tensors and scalar types and the trace's TensorData and DType.
#include "torch/tensor_bridge.h"

#include "base/error.h"

namespace mx {

DType to_dtype(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat: return DType::Float;
    case c10::kHalf: return DType::Float16;
    case c10::kDouble: return DType::Double;
    case c10::kBFloat16: return DType::BFloat16;
    case c10::kLong: return DType::Int64;
    case c10::kInt: return DType::Int32;
    case c10::kShort: return DType::Int16;
    case c10::kChar: return DType::Int8;
    case c10::kByte: return DType::UInt8;
    case c10::kBool: return DType::Bool;
    default: return DType::Undefined;
  }
}

c10::ScalarType to_scalar_type(DType t) {
  switch (t) {
    case DType::Float: return c10::kFloat;
    case DType::Float16: return c10::kHalf;
    case DType::Double: return c10::kDouble;
    case DType::BFloat16: return c10::kBFloat16;
    case DType::Int64: return c10::kLong;
    case DType::Int32: return c10::kInt;
    case DType::Int16: return c10::kShort;
    case DType::Int8: return c10::kChar;
    case DType::UInt8: return c10::kByte;
    case DType::Bool: return c10::kBool;
    default: throw Error(std::string("unsupported element type ") + dtype_name(t));
  }
}

std::shared_ptr<TensorData> to_data(const at::Tensor& t, bool copy) {
  auto kept =
      std::make_shared<at::Tensor>(copy ? t.detach().clone(at::MemoryFormat::Contiguous) : t.detach().contiguous());
  auto d = std::make_shared<TensorData>();
  d->dtype = to_dtype(kept->scalar_type());
  d->shape = kept->sizes().vec();
  d->data = kept->data_ptr();
  d->nbytes = kept->nbytes();
  d->owner = kept;
  return d;
}

at::Tensor from_data(const TensorData& d) {
  return at::from_blob(const_cast<void*>(d.data), d.shape, at::TensorOptions().dtype(to_scalar_type(d.dtype))).clone();
}

at::Tensor borrow_data(const std::shared_ptr<TensorData>& d) {
  return at::from_blob(const_cast<void*>(d->data), d->shape, [d](void*) {},
                       at::TensorOptions().dtype(to_scalar_type(d->dtype)));
}

std::string message_of(const std::exception& e) {
  std::string text = first_line(e.what());
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) text = first_line(c10->what_without_backtrace());
  // "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: ...": LibTorch's
  // source line and condition say nothing to a user; the rest does.
  if (text.rfind("[enforce fail at ", 0) == 0) {
    auto end = text.find("] ");
    auto cond = end == std::string::npos ? end : text.find(". ", end);
    if (cond != std::string::npos) text = text.substr(cond + 2);
  }
  // TORCH_CHECK's plea to report its own wording is for PyTorch's developers, not our users.
  const auto plea = text.find("  (Could this error message be improved?");
  if (plea != std::string::npos) text.erase(plea);
  // 'Expected hasRecord("version") to be true, but got false.': LibTorch's reader's check.
  const std::string missing = "Expected hasRecord(\"";
  if (text.rfind(missing, 0) == 0 && text.find("\") to be true, but got false") != std::string::npos)
    text = "it has no '" + text.substr(missing.size(), text.find('"', missing.size()) - missing.size()) +
           "' record, which every file torch.jit.save or torch.save writes has";
  return text;
}

}  // namespace mx
