// The pickle walk accepts what Python's pickler writes and refuses the lengths and memo
// indices that made LibTorch's unpickler allocate gigabytes (the input_file fuzzer).
#include "base/pickle_scan.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mx {
namespace {

std::string refusal(const std::string& pickle) {
  try {
    check_pickle(pickle, "f.pt", "f/data.pkl");
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

// pickle.dumps((torch.ones(1)... as protocol 2 writes its parts: PROTO 2, GLOBAL, BINPUT 0,
// MARK, BINUNICODE "storage", BININT1 5, LONG1 1 byte, TUPLE, STOP.
const char kGoodBytes[] =
    "\x80\x02"
    "ctorch._utils\n_rebuild_tensor_v2\nq\x00(X\x07\x00\x00\x00storage"
    "K\x05\x8a\x01\x07t.";
const std::string kGood(kGoodBytes, sizeof kGoodBytes - 1);

TEST(PickleScan, AcceptsWhatPythonsPicklerWrites) { EXPECT_EQ(refusal(kGood), "accepted"); }

TEST(PickleScan, RefusesALengthPastTheEnd) {
  std::string p = "\x80\x02X" + std::string("\x07\x00\x00\xff", 4) + "storage.";
  EXPECT_EQ(refusal(p),
            "'f.pt' is damaged: its pickle 'f/data.pkl' claims 4278190087 bytes for opcode 0x58, but only 8 remain (at "
            "byte 2; not a file that torch.jit.save or torch.save wrote whole)");
  EXPECT_NE(refusal("\x80\x02T" + std::string("\xff\xff\xff\xff", 4) + "ab.").find("claims a negative length"),
            std::string::npos);
  EXPECT_NE(refusal(std::string("\x8e\x00\x00\x00\x00\x00\x00\x00\x01.", 10)).find("claims 72057594037927936 bytes"),
            std::string::npos);
}

TEST(PickleScan, RefusesAMemoIndexThatIsNotTheNext) {
  EXPECT_NE(refusal(std::string("N\x72\x00\x00\x00\x80.", 7))
                .find("stores memo entry 2147483648 (opcode 0x72) when only 0 exist"),
            std::string::npos);
  EXPECT_NE(refusal(std::string("Nq\x00q\x02.", 6)).find("stores memo entry 2 (opcode 0x71) when only 1 exist"),
            std::string::npos);
  EXPECT_EQ(refusal(std::string("Nq\x00\x94q\x01q\x00.", 9)),
            "accepted");  // MEMOIZE takes index 1; 0 may be stored again
}

// LibTorch's unpickler pops without looking: REDUCE on a stack of one freed memory it never
// allocated (the input_file fuzzer's crash, in a torch.save file of one tensor).
TEST(PickleScan, RefusesOpcodesThatTakeMoreThanTheStackHolds) {
  EXPECT_NE(refusal("\x80\x02NR.").find("has opcode 0x52 that takes 2 items from a stack of 1 (at byte 3"),
            std::string::npos);
  EXPECT_NE(refusal("N(NR.").find("takes 2 items from a stack of 1"), std::string::npos);  // not across a mark
  EXPECT_NE(refusal("Nt.").find("has opcode 0x74 without the mark and items it needs"), std::string::npos);
  EXPECT_NE(refusal("(Ne.").find("has opcode 0x65 with nothing to add to"), std::string::npos);
  EXPECT_NE(refusal(".").find("takes 1 items from a stack of 0"), std::string::npos);
  EXPECT_EQ(refusal("](NNe}NNs\x86\x85."), "accepted");
}

TEST(PickleScan, RefusesUnknownOpcodesUnendedLinesAndAMissingStop) {
  EXPECT_NE(refusal("\x80\x02\xff.").find("has an unknown opcode 0xff"), std::string::npos);
  EXPECT_NE(refusal("ctorch\nFloatStorage").find("has opcode 0x63 without the end of its line"), std::string::npos);
  EXPECT_NE(refusal("\x80\x02N").find("ends without STOP (at byte 3"), std::string::npos);
  EXPECT_NE(refusal("\x80").find("claims 1 bytes for opcode 0x80, but only 0 remain"), std::string::npos);
}

}  // namespace
}  // namespace mx
