// --input NAME:DTYPE:DIMS parsing.
#include "model/input_spec.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mx {
namespace {

TEST(InputSpec, ParsesNameDtypeAndDims) {
  auto s = parse_input_spec("pixel_values:float16:1x3x224x224");
  EXPECT_EQ(s.name, "pixel_values");
  EXPECT_EQ(s.dtype, DType::Float16);
  EXPECT_EQ(s.dims, (std::vector<int64_t>{1, 3, 224, 224}));
}

TEST(InputSpec, EmptyDimsIsAScalar) {
  auto s = parse_input_spec("n:int64:");
  EXPECT_EQ(s.dtype, DType::Int64);
  EXPECT_TRUE(s.dims.empty());
}

TEST(InputSpec, AcceptsPyTorchStyleAliases) {
  EXPECT_EQ(parse_input_spec("x:long:2").dtype, DType::Int64);
  EXPECT_EQ(parse_input_spec("x:float:2").dtype, DType::Float);
  EXPECT_EQ(parse_input_spec("x:bool:2").dtype, DType::Bool);
}

TEST(InputSpec, IntegerRange) {
  auto s = parse_input_spec("mask:int64:1x16:0..1");
  EXPECT_EQ(s.low, 0);
  EXPECT_EQ(s.high, 1);
  EXPECT_EQ(parse_input_spec("x:int32:2:-5..5").low, -5);
  EXPECT_EQ(parse_input_spec("x:int32:2").high, 9);  // default [0, 9]
}

void expect_error(const std::string& spec, const std::string& part) {
  try {
    parse_input_spec(spec);
    ADD_FAILURE() << spec << " was accepted";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("bad --input '" + spec + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(part), std::string::npos) << msg;
  }
}

TEST(InputSpec, RejectsWhatItCannotRead) {
  expect_error("x:float32", "2 ':'-separated parts");
  expect_error("x:float32:2:0..1", "for integer and bool inputs only");
  expect_error("x:int64:2:5..1", "range '5..1' is empty");
  expect_error("x:int64:2:1-5", "range '1-5' is not LOW..HIGH");
  expect_error(":float32:2", "name is empty");
  expect_error("x:complex:2", "unknown dtype 'complex'");
  expect_error("x:float32:2x-1", "dimension '-1'");
  expect_error("x:float32:2xx3", "dimension ''");
}

// Numbers that std::stoll refused with a bare "stoll" get a message naming the spec.
TEST(InputSpec, NumbersOutOfRangeAreNamed) {
  expect_error("x:float32:99999999999999999999", "dimension '99999999999999999999' is too large");
  expect_error("x:int64:2:0..99999999999999999999", "range '0..99999999999999999999' is not LOW..HIGH");
  expect_error("x:int8:2:0..300", "bound '300' of range '0..300' is outside what int8 holds (-128 to 127)");
  expect_error("x:int32:2:0..4294967296", "outside what int32 holds");
}

TEST(InputSpec, TheFullInt64RangeIsRefusedNotWrapped) {
  expect_error("x:int64:2:-9223372036854775808..9223372036854775807", "more values than an int64 can count");
  expect_error("x:int64:2:0..9223372036854775807", "more values than an int64 can count");
  expect_error("x:int64:2:1..9223372036854775807", "more values than an int64 can count");
  EXPECT_EQ(parse_input_spec("x:int64:2:1..9223372036854775806").high, INT64_MAX - 1);
}

TEST(InputSpec, SizesThatCannotBeAllocatedAreRefusedWithTheBytes) {
  expect_error("x:float32:100000x100000x12", "input 'x' needs 480000000000 bytes (447.0 GiB), more than this machine's");
  expect_error("x:float32:4294967296x4294967296", "input 'x' would need more than 2^64 bytes (4 per element)");
  EXPECT_EQ(parse_input_spec("x:float32:0x4294967296x4294967296").dims[0], 0);  // empty: no bytes
}

}  // namespace
}  // namespace mx
