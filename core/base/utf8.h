// UTF-8 validity, for strings that plugins or files hand us and that go into protobuf string
// fields (protobuf refuses to serialize invalid UTF-8 and logs an error per string).
#pragma once

#include <string_view>

namespace mx {

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);

}  // namespace mx
