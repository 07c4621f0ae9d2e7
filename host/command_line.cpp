// Option parsing shared by the subcommands.
#include "command_line.h"

#include <boost/algorithm/string.hpp>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "base/error.h"
#include "plugin/plugin_host.h"

namespace po = boost::program_options;

namespace mx::cli {

int fail(const std::string& message) {
  std::cerr << "modelexport: error: " << message << "\n";
  return 1;
}

int fail_out_of_memory(const std::string& command) {
  return fail("'" + command + "' ran out of memory: the process could not allocate more (the machine's memory, or a "
              "limit such as ulimit -v, is too small for this model and input); nothing was written");
}

int parse_command_line(const std::string& command, const std::vector<std::string>& args,
                       const po::options_description& desc, std::vector<std::string>* positional) {
  po::options_description all;
  all.add(desc);
  po::positional_options_description pos;
  if (positional) {
    all.add_options()("positional", po::value(positional)->composing());
    pos.add("positional", -1);
  }
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(std::string(e.what()) + " (see `modelexport " + command + " --help`)");
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  return -1;
}

po::typed_value<double>* strategy_timeout_value(double* target) {
  return po::value(target)->default_value(kDefaultStrategyTimeout)->notifier([](double seconds) {
    if (!(seconds >= 0)) {
      std::ostringstream s;
      s << "--strategy-timeout must be 0 (no limit) or a number of seconds, got " << seconds;
      throw po::error(s.str());
    }
  });
}

po::typed_value<int64_t>* max_ops_value(int64_t* target) {
  return po::value(target)->default_value(kDefaultMaxTraceOps)->notifier([](int64_t n) {
    if (n < 0) throw po::error("--max-ops must be 0 (no limit) or a number of ops, got " + std::to_string(n));
  });
}

std::vector<std::string> split_names(const boost::optional<std::string>& text) {
  std::vector<std::string> names;
  if (text) boost::split(names, *text, boost::is_any_of(","));
  return names;
}

std::pair<std::string, std::string> parse_strategy_opt(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw Error("bad --strategy-opt '" + text + "': expected KEY=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace mx::cli
