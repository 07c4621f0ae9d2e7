// Reading and checking strategy options.
#include "options.h"

#include <algorithm>

#include "boundary.h"

namespace mxp {
namespace {

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  std::string::size_type b = s.find_first_not_of(ws);
  if (b == std::string::npos) return std::string();
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

std::map<std::string, std::string> read_options(const mx_option_t* options, int64_t count,
                                                const std::vector<std::string>& known) {
  if (count < 0 || (count > 0 && options == nullptr)) fail(MX_STATUS_INVALID_ARGUMENT, "invalid option list");
  std::map<std::string, std::string> out;
  for (int64_t i = 0; i < count; ++i) {
    if (options[i].key == nullptr || options[i].value == nullptr)
      fail(MX_STATUS_INVALID_ARGUMENT, "option with a NULL key or value");
    const std::string key = options[i].key;
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
      fail(MX_STATUS_INVALID_ARGUMENT, "unknown option '" + key + "' (known: " + names + ")");
    }
    out[key] = options[i].value;
  }
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string::size_type start = 0;
  while (start <= s.size()) {
    std::string::size_type comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = trim(s.substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

}  // namespace mxp
