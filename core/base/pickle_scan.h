// A walk over a pickle's opcodes that checks what LibTorch's unpickler trusts: every length
// it allocates a string for fits in the bytes that remain, every memo index it grows its
// table to is the next one. Nothing is built; the unpickler runs afterwards on checked bytes.
#pragma once

#include <string>
#include <string_view>

namespace mx {

// Throws mx::Error "'<file>' is damaged: record '<record>' ..." naming the opcode, its byte
// offset and what it claims, for a length past the end, a memo index out of order, an
// unknown opcode, or a pickle without STOP.
void check_pickle(std::string_view pickle, const std::string& file, const std::string& record);

}  // namespace mx
