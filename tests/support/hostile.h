// What every hostile-input test asserts: one `modelexport: error:` line naming the thing,
// exit 1, and the folder exactly as it was (inputs unchanged, no file left).
#pragma once

#include <map>
#include <string>

#include "test_env.h"

namespace mx::test {

// `modelexport ARGS` with the build tree's plugins; at most `seconds` (a hang fails).
CommandResult modelexport(const std::string& args, int seconds = 120);

// Exit 1, nothing on stdout, exactly one line on stderr: "modelexport: error: ..." that
// contains `says`.
void expect_one_error(const CommandResult& r, const std::string& says);

// Every entry of `dir` (hidden ones too) with its size and a hash of its contents
// ("<link> TARGET" for links, "<dir>" and "<other>" for the rest).
std::map<std::string, std::string> snapshot(const TempDir& dir);

}  // namespace mx::test
