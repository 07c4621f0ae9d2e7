// External data: which tensors the plan moves, their aligned offsets, the pair of files it
// writes (read back by protobuf's own parser and by byte offsets, not by our reader), and
// reading such a pair again through mapped data files.
#include "onnx_io/external_plan.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "base/error.h"
#include "onnx_io/external_source.h"
#include "onnx_io/model_io.h"
#include "onnx_io/onnx_file.h"
#include "support/test_env.h"

namespace mx {
namespace {

using test::TempDir;

// Bytes 0, 1, 2, ... (mod 251) so that a shifted or truncated copy shows.
TensorData pattern(size_t floats, int seed) {
  auto kept = std::make_shared<std::string>(floats * sizeof(float), '\0');
  for (size_t i = 0; i < kept->size(); ++i) (*kept)[i] = static_cast<char>((i + seed) % 251);
  return TensorData{DType::Float, {static_cast<int64_t>(floats)}, kept, kept->data(), kept->size()};
}

// y = x + a + b + c + d: `small` (16 B, external bytes), `mid` (4 KiB), `big` (2 MiB),
// and `inline_raw` (8 KiB in raw_data, as a file read from disk holds it).
ConvertedModel sample() {
  ConvertedModel m;
  m.model.set_ir_version(8);
  m.model.add_opset_import()->set_version(17);
  auto* g = m.model.mutable_graph();
  g->set_name("g");
  m.add_initializer("small", pattern(4, 1), -1);
  m.add_initializer("mid", pattern(1024, 2), -1);
  m.add_initializer("big", pattern(512 * 1024, 3), -1);
  auto* raw = g->add_initializer();
  raw->set_name("inline_raw");
  raw->set_data_type(onnx::TensorProto::FLOAT);
  raw->add_dims(2048);
  TensorData r = pattern(2048, 4);
  raw->set_raw_data(r.data, r.nbytes);
  return m;
}

ExternalDataOptions always(uint64_t threshold) {
  ExternalDataOptions o;
  o.mode = ExternalDataOptions::Mode::Always;
  o.threshold = threshold;
  return o;
}

std::map<std::string, std::string> entries(const onnx::TensorProto& t) {
  std::map<std::string, std::string> kv;
  for (const auto& e : t.external_data()) kv[e.key()] = e.value();
  return kv;
}

TEST(PlanExternalData, AlwaysMovesTensorsFromTheThresholdUpWithAlignedOffsets) {
  ConvertedModel m = sample();
  ExternalPlan plan = plan_external_data(m, always(1024), "m.onnx.data");
  ASSERT_EQ(plan.entries.size(), 3u);  // `small` (16 B) stays inline
  EXPECT_EQ(plan.find("small"), nullptr);
  uint64_t end = 0;
  for (const auto& e : plan.entries) {
    EXPECT_GE(e.offset, end) << e.name;
    EXPECT_EQ(e.offset % (e.length >= (1u << 20) ? 65536 : 64), 0u) << e.name << " at " << e.offset;
    end = e.offset + e.length;
  }
  EXPECT_EQ(plan.find("big")->length, 2u << 20);
  EXPECT_EQ(plan.find("inline_raw")->length, 8192u);
  EXPECT_EQ(plan.data_bytes, end);
}

TEST(PlanExternalData, AutoOnlyWhenTheInlineFileWouldPassTheLimit) {
  ConvertedModel m = sample();
  ExternalDataOptions o;  // auto, threshold 1024
  EXPECT_TRUE(plan_external_data(m, o, "m.onnx.data").empty());
  EXPECT_EQ(plan_external_data(m, o, "m.onnx.data", 1 << 20).entries.size(), 3u);
  o.mode = ExternalDataOptions::Mode::Never;
  EXPECT_TRUE(plan_external_data(m, o, "m.onnx.data", 1 << 20).empty());
}

TEST(WriteExternalData, ThePairParsesWithEntriesPointingAtTheRightBytes) {
  ConvertedModel m = sample();
  const std::string before = m.model.SerializeAsString();
  ExternalPlan plan = plan_external_data(m, always(1024), "m.onnx.data");
  std::ostringstream model_out, data_out;
  write_converted(m, model_out, &plan);
  write_external_data(m, plan, data_out);
  EXPECT_TRUE(m.model.SerializeAsString() == before);  // raw_data moved out and back, none added
  const std::string data = data_out.str();
  ASSERT_EQ(data.size(), plan.data_bytes);
  onnx::ModelProto parsed;
  ASSERT_TRUE(parsed.ParseFromString(model_out.str()));
  EXPECT_LT(model_out.str().size(), 400u);  // names, dims, entries and the 16 inline bytes
  int external = 0;
  for (const auto& t : parsed.graph().initializer()) {
    if (t.name() == "small") {
      EXPECT_NE(t.data_location(), onnx::TensorProto::EXTERNAL);
      EXPECT_EQ(t.raw_data().size(), 16u);
      continue;
    }
    ++external;
    EXPECT_EQ(t.data_location(), onnx::TensorProto::EXTERNAL) << t.name();
    EXPECT_FALSE(t.has_raw_data()) << t.name();
    auto kv = entries(t);
    EXPECT_EQ(kv["location"], "m.onnx.data");
    size_t offset = std::stoull(kv["offset"]), length = std::stoull(kv["length"]);
    const onnx::TensorProto* original = nullptr;
    for (const auto& o : m.model.graph().initializer())
      if (o.name() == t.name()) original = &o;
    ASSERT_NE(original, nullptr);
    EXPECT_TRUE(data.substr(offset, length) == initializer_bytes(m, *original)) << t.name();
  }
  EXPECT_EQ(external, 3);
  // Padding between tensors is zeros.
  const auto* mid = plan.find("mid");
  const auto* big = plan.find("big");
  EXPECT_TRUE(data.substr(mid->offset + mid->length, big->offset - mid->offset - mid->length) ==
              std::string(big->offset - mid->offset - mid->length, '\0'));
}

TEST(AttachExternalData, AWrittenPairReadsBackToTheSameBytes) {
  TempDir dir;
  ConvertedModel m = sample();
  ExternalPlan plan = plan_external_data(m, always(1024), "m.onnx.data");
  {
    std::ofstream model_out(dir.file("m.onnx"), std::ios::binary), data_out(dir.file("m.onnx.data"), std::ios::binary);
    write_converted(m, model_out, &plan);
    write_external_data(m, plan, data_out);
  }
  ConvertedModel back;
  back.model = read_onnx_file(dir.file("m.onnx"));
  attach_external_data(back, dir.file("m.onnx"));
  ASSERT_EQ(back.model.graph().initializer_size(), 4);
  for (int i = 0; i < 4; ++i) {
    const auto& t = back.model.graph().initializer(i);
    EXPECT_NE(t.data_location(), onnx::TensorProto::EXTERNAL) << t.name();
    EXPECT_TRUE(initializer_bytes(back, t) == initializer_bytes(m, m.model.graph().initializer(i))) << t.name();
  }
  // And written again inline, it is the original model with every byte in place.
  std::ostringstream again;
  write_converted(back, again);
  onnx::ModelProto parsed;
  ASSERT_TRUE(parsed.ParseFromString(again.str()));
  EXPECT_EQ(parsed.graph().initializer(2).raw_data().size(), 2u << 20);
}

TEST(AttachExternalData, RefusesAnEntryOutsideTheModelsFolderNamingIt) {
  TempDir dir;
  ConvertedModel m = sample();
  auto* t = m.model.mutable_graph()->mutable_initializer(3);
  t->clear_raw_data();
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* e = t->add_external_data();
  e->set_key("location");
  e->set_value("../secret.bin");
  try {
    attach_external_data(m, dir.file("m.onnx"));
    FAIL() << "no error";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("initializer 'inline_raw' has external data at '../secret.bin'"),
              std::string::npos)
        << err.what();
  }
}

}  // namespace
}  // namespace mx
