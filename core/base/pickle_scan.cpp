// Pickle opcodes by their argument layout (Python's pickletools); LibTorch's unpickler
// resizes a string to a claimed length, and its memo table to a claimed index, before it
// reads: a 1 KB pickle made it allocate 4 GB (the input_file fuzzer).
#include "base/pickle_scan.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "base/error.h"

namespace mx {
namespace {

enum class Arg { none, fixed, length, line, two_lines, memo_put, memoize };

struct Layout {
  Arg arg = Arg::none;
  int width = 0;  // of the fixed argument, or of the length that precedes the bytes
};

bool in(const char* ops, unsigned char op) { return op != 0 && std::strchr(ops, static_cast<char>(op)) != nullptr; }

Layout layout(unsigned char op) {
  if (in("(.012NQRabd}el]ost)u\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x97\x98", op)) return {Arg::none, 0};
  if (in("Kh\x80\x82", op)) return {Arg::fixed, 1};
  if (in("M\x83", op)) return {Arg::fixed, 2};
  if (in("Jj\x84", op)) return {Arg::fixed, 4};
  if (in("G\x95", op)) return {Arg::fixed, 8};
  if (op == 'q') return {Arg::memo_put, 1};
  if (op == 'r') return {Arg::memo_put, 4};
  if (op == 0x94) return {Arg::memoize, 0};
  if (in("UC\x8c\x8a", op)) return {Arg::length, 1};
  if (in("TXB\x8b", op)) return {Arg::length, 4};
  if (in("\x8d\x8e\x96", op)) return {Arg::length, 8};
  if (in("FILSVPgp", op)) return {Arg::line, 0};
  if (in("ci", op)) return {Arg::two_lines, 0};
  return {Arg::fixed, -1};  // unknown
}

// What an opcode does to the unpickler's stack: pops `pops` items above the topmost mark and
// pushes `pushes`; a `to_mark` opcode pops everything above the mark (at least `above`) and
// the mark, then needs `below` more items under it. LibTorch pops without checking (REDUCE on
// a stack of one freed memory that was never allocated: the input_file fuzzer).
struct Effect {
  int pops = 0, pushes = 0;
  bool to_mark = false;
  int above = 0, below = 0;
};

Effect effect(unsigned char op) {
  if (in("FIJKLMNSTUVXBCGghjc\x8a\x8b\x8c\x8d\x8e\x96\x88\x89}])\x8fP\x82\x83\x84\x97", op)) return {0, 1};
  if (in("pqr\x94Q\x98", op)) return {1, 1};
  if (in("Rb\x81\x93"
         "a\x86",
         op))
    return {2, 1};
  if (in("s\x87", op)) return {3, 1};
  if (op == 0x92) return {3, 1};
  if (op == 0x85) return {1, 1};
  if (op == '2') return {1, 2};
  if (op == '0' || op == '.') return {1, 0};
  if (in("tld\x91i", op)) return {0, 1, true};
  if (op == 'o') return {0, 1, true, 1};
  if (in("eu\x90", op)) return {0, 0, true, 0, 1};
  if (op == '1') return {0, 0, true};
  return {};  // MARK (counted apart), PROTO, FRAME
}

class Scan {
 public:
  Scan(std::string_view p, const std::string& file, const std::string& record) : p_(p), file_(file), record_(record) {}

  void run() {
    while (at_ < p_.size()) {
      const size_t start = at_;
      const unsigned char op = static_cast<unsigned char>(p_[at_++]);
      stack(start, op);
      if (op == '.') return;
      const Layout l = layout(op);
      switch (l.arg) {
        case Arg::none: break;
        case Arg::fixed:
          if (l.width < 0) throw damaged(start, "has an unknown opcode 0x" + hex(op));
          take(start, op, static_cast<uint64_t>(l.width));
          break;
        case Arg::length: take(start, op, number(start, op, l.width)); break;
        case Arg::line: line(start, op); break;
        case Arg::two_lines: line(start, op), line(start, op); break;
        case Arg::memo_put: put(start, op, number(start, op, l.width)); break;
        case Arg::memoize: put(start, op, memo_); break;
      }
    }
    throw damaged(p_.size(), "ends without STOP");
  }

 private:
  void stack(size_t start, unsigned char op) {
    if (op == '(') return marks_.push_back(depth_);
    const Effect e = effect(op);
    const size_t fence = marks_.empty() ? 0 : marks_.back();
    if (e.to_mark) {
      if (marks_.empty() || depth_ - fence < static_cast<size_t>(e.above))
        throw damaged(start, "has opcode 0x" + hex(op) + " without the mark and items it needs");
      depth_ = fence;
      marks_.pop_back();
      const size_t under = marks_.empty() ? 0 : marks_.back();
      if (depth_ - under < static_cast<size_t>(e.below))
        throw damaged(start, "has opcode 0x" + hex(op) + " with nothing to add to");
    } else if (depth_ - fence < static_cast<size_t>(e.pops)) {
      throw damaged(start, "has opcode 0x" + hex(op) + " that takes " + std::to_string(e.pops) +
                               " items from a stack of " + std::to_string(depth_ - fence));
    } else {
      depth_ -= static_cast<size_t>(e.pops);
    }
    depth_ += static_cast<size_t>(e.pushes);
  }
  uint64_t number(size_t start, unsigned char op, int width) {
    take(start, op, static_cast<uint64_t>(width));
    uint64_t v = 0;
    for (int i = width - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p_[at_ - width + i]);
    if (width == 4 && (op == 'T' || op == 0x8b) && (v & 0x80000000u)) v = UINT64_MAX;  // negative: signed lengths
    return v;
  }
  void take(size_t start, unsigned char op, uint64_t n) {
    if (n > p_.size() - at_)
      throw damaged(start,
                    "claims " + (n == UINT64_MAX ? std::string("a negative length") : std::to_string(n) + " bytes") +
                        " for opcode 0x" + hex(op) + ", but only " + std::to_string(p_.size() - at_) + " remain");
    at_ += static_cast<size_t>(n);
  }
  void line(size_t start, unsigned char op) {
    size_t nl = p_.find('\n', at_);
    if (nl == std::string_view::npos) throw damaged(start, "has opcode 0x" + hex(op) + " without the end of its line");
    at_ = nl + 1;
  }
  void put(size_t start, unsigned char op, uint64_t index) {
    if (index > memo_)
      throw damaged(start, "stores memo entry " + std::to_string(index) + " (opcode 0x" + hex(op) + ") when only " +
                               std::to_string(memo_) + " exist");
    if (index == memo_) ++memo_;
  }
  static std::string hex(unsigned char op) {
    const char* digits = "0123456789abcdef";
    return {digits[op >> 4], digits[op & 15]};
  }
  Error damaged(size_t at, const std::string& what) const {
    return Error("'" + file_ + "' is damaged: its pickle '" + record_ + "' " + what + " (at byte " +
                 std::to_string(at) + "; not a file that torch.jit.save or torch.save wrote whole)");
  }

  std::string_view p_;
  const std::string& file_;
  const std::string& record_;
  size_t at_ = 0;
  uint64_t memo_ = 0;
  size_t depth_ = 0;           // items on the unpickler's stack
  std::vector<size_t> marks_;  // the depth at each open MARK
};

}  // namespace

void check_pickle(std::string_view pickle, const std::string& file, const std::string& record) {
  Scan(pickle, file, record).run();
}

}  // namespace mx
