#include "solvers/family_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace condbench {

void bad_solver_name(const std::string& name, const std::string& what) {
  throw std::invalid_argument("'" + name + "': " + what);
}

std::vector<std::pair<std::string, std::string>> family_options(const std::string& name, const std::string& prefix,
                                                                const std::vector<std::string>& order,
                                                                const std::string& takes) {
  std::string list = takes;
  if (list.empty())
    for (const auto& k : order) list += (list.empty() ? "" : ", ") + k;
  const std::string family = prefix.substr(0, prefix.size() - 1);
  std::vector<std::pair<std::string, std::string>> out;
  if (name == family) return out;
  std::string rest = name.substr(prefix.size());
  if (rest.empty()) return out;
  std::size_t next = 0;
  while (true) {
    const std::size_t colon = rest.find(':');
    const std::string item = rest.substr(0, colon);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos)
      bad_solver_name(name, "'" + item + "' is not key=value (" + family + " takes " + list + ")");
    const std::string key = item.substr(0, eq);
    std::size_t at = next;
    while (at < order.size() && order[at] != key) ++at;
    if (at == order.size()) {
      if (std::find(order.begin(), order.end(), key) == order.end())
        bad_solver_name(name, "unknown option '" + key + "' (" + family + " takes " + list + ")");
      std::string how;
      for (std::size_t i = 0; i < order.size(); ++i)
        how += (i == 0 ? "" : i + 1 == order.size() ? " before " : ", ") + order[i] + "=";
      bad_solver_name(name, "'" + key + "' given twice or out of order (write " + how + ")");
    }
    next = at + 1;
    out.emplace_back(key, item.substr(eq + 1));
    if (colon == std::string::npos) break;
    rest.erase(0, colon + 1);
  }
  return out;
}

int int_option(const std::string& name, const std::string& key, const std::string& value, int lo, int hi) {
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno != 0 || x < lo || x > hi)
    bad_solver_name(name, fmt::format("{}={}: expected an integer from {} to {}", key, value, lo, hi));
  return static_cast<int>(x);
}

}  // namespace condbench
