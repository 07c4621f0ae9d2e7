// libFuzzer target: an ONNX file and its sidecar, read and used as `tags` (tree, stats,
// query, validate, --json) and `extract` use them. Input: 4-byte little-endian length of
// the ONNX bytes, the ONNX bytes, then the sidecar JSON. Only mx::Error may come out.
#include <cstring>

#include "base/error.h"
#include "tags/extract.h"
#include "fuzz_support.h"
#include "tags/tag_query.h"
#include "tags/tag_validate.h"
#include "tags/tagged_model.h"
#include "report/tags_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint32_t onnx_size = 0;
  std::memcpy(&onnx_size, data, 4);
  size_t n = std::min<size_t>(onnx_size, size - 4);
  std::string onnx = mx::fuzz::write_scratch("f.onnx", data + 4, n);
  mx::fuzz::write_scratch("f_hierarchy.json", data + 4 + n, size - 4 - n);
  try {
    mx::TaggedModel t = mx::load_tagged_model(onnx, "");
    mx::validation_json(t, mx::validate_tags(t));
    mx::require_tags(t);
    mx::tree_json(t);
    mx::stats_json(t, mx::tag_stats(t));
    mx::query_json(t, "*", mx::query_modules(t, "*"), true);
    for (size_t m = 0; m < t.modules.size() && m < 8; ++m) {
      mx::ExtractRequest r;
      r.module_path = t.modules[m].path;
      r.has_module_path = true;
      r.output = (mx::fuzz::scratch() / "out.onnx").string();
      try {
        mx::extraction_json(t, mx::extract_modules(t, r));
      } catch (const mx::Error&) {
      }
    }
  } catch (const mx::Error&) {
  }
  return 0;
}
