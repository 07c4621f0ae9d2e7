// Option parsing shared by the subcommands (Boost.Program_options).
#pragma once

#include <boost/optional.hpp>
#include <boost/program_options.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/trace_ways.h"

namespace mx::cli {

// Parses `args` against `desc` (plus free arguments into `positional`, if given). Returns
// the exit code to stop with (0 after printing --help, 1 after an error naming the
// option), or -1 to go on.
int parse_command_line(const std::string& command, const std::vector<std::string>& args,
                       const boost::program_options::options_description& desc, std::vector<std::string>* positional);

// --strategy-timeout SECONDS into `target` (default kDefaultStrategyTimeout; a negative
// number is a command-line error).
boost::program_options::typed_value<double>* strategy_timeout_value(double* target);
constexpr const char* kStrategyTimeoutHelp =
    "seconds a strategy may take to tag the model before it is stopped (0: no limit)";

// --max-ops N into `target` (default kDefaultMaxTraceOps; a negative number is a
// command-line error).
boost::program_options::typed_value<int64_t>* max_ops_value(int64_t* target);
constexpr const char* kMaxOpsHelp =
    "TorchScript ops the trace may run before it is stopped, so that a loop that never ends fails instead of "
    "filling the memory (0: no limit)";

// --input and --arg, as export, compare and tag explain them.
constexpr const char* kInputHelp =
    "example input NAME:DTYPE:DIMS[:LOW..HIGH] (repeatable): NAME is forward's argument, or ARG.0, ARG.1, ... "
    "for the items of a List[Tensor] or Tuple argument and ARG.KEY for a Dict[str, Tensor] one (each becomes a "
    "graph input of that name); inputs not named by forward's arguments fill its tensor arguments in order";
constexpr const char* kArgHelp =
    "NAME=VALUE: forward's int, float, bool or str argument NAME (repeatable); the export is fixed to that value, "
    "and the sidecar records it. Arguments with defaults may be left out";

// The names of --output-names a,b split at commas, empty ones kept so that core rejects them
// (`--output-names ''` is one empty name); no names when the option is absent.
std::vector<std::string> split_names(const boost::optional<std::string>& text);

// "KEY=VALUE" of --strategy-opt; throws mx::Error naming the text if there is no '=' or no key.
std::pair<std::string, std::string> parse_strategy_opt(const std::string& text);

}  // namespace mx::cli
