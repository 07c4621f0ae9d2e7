// libFuzzer target: an ONNX Runtime profile (JSON), read as `modelexport profile` reads it
// and, when it parses, folded into a fixed tagged export and written as --json and --html.
// The export (and ORT's optimized graph of it) come from MODELEXPORT_FUZZ_PROFILE_MODEL and
// MODELEXPORT_FUZZ_ORT_GRAPH (run_fuzzer.sh sets both from the seeds); without them only the
// reader runs. Only mx::Error may come out.
#include <cstdlib>
#include <memory>
#include <optional>

#include "base/error.h"
#include "fuzz_support.h"
#include "onnx_io/onnx_file.h"
#include "report/html_report.h"
#include "report/profile_json.h"
#include "tags/profile_fold.h"
#include "tags/profile_read.h"
#include "tags/tagged_model.h"

namespace {

struct Target {
  std::optional<mx::TaggedModel> model;
  std::optional<onnx::ModelProto> ort_graph;
};

const Target& target() {
  static const Target t = [] {
    Target out;
    if (const char* m = std::getenv("MODELEXPORT_FUZZ_PROFILE_MODEL"); m && *m)
      out.model = mx::load_tagged_model(m, "", false);
    if (const char* g = std::getenv("MODELEXPORT_FUZZ_ORT_GRAPH"); g && *g)
      out.ort_graph = mx::read_onnx_file(g, false);
    return out;
  }();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  target();  // a broken fixture fails here, once, not as a finding
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    mx::OrtProfile profile = mx::parse_ort_profile(text, "fuzz.json");
    const Target& t = target();
    if (!t.model) return 0;
    // With the ORT graph and without: the two ways names are matched.
    for (const onnx::ModelProto* graph :
         {t.ort_graph ? &*t.ort_graph : nullptr, static_cast<const onnx::ModelProto*>(nullptr)}) {
      try {
        mx::ProfileFold f = mx::fold_profile(*t.model, profile, graph, graph ? "ort_graph.onnx" : "");
        mx::profile_json(*t.model, f);
        mx::html_report(*t.model, &f);
      } catch (const mx::Error&) {
      }
      if (!t.ort_graph) break;
    }
  } catch (const mx::Error&) {
  }
  return 0;
}
