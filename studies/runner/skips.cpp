#include "studies/runner/skips.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace condbench {
namespace {

// "cusolver.lu", "cusolver.qr", ... -> "cusolver.* (16 solvers)" when they are every
// solver of the list with that prefix; else the names.
std::string name_solvers(const std::set<std::string>& names) {
  if (names.size() == 1) return *names.begin();
  std::string first = *names.begin();
  std::string backend = first.substr(0, first.find('.') + 1);
  bool same = std::all_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(backend, 0) == 0; });
  if (same && !backend.empty()) return fmt::format("{} {}* solvers", names.size(), backend);
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

std::vector<SkipLine> skip_lines(const nlohmann::ordered_json& skipped) {
  // unavailable: reason (without the solver's name) -> solvers, rows
  std::map<std::string, std::pair<std::set<std::string>, long long>> unavailable;
  // not taken: solver -> kinds, precisions, rows
  struct NotTaken {
    std::set<std::string> kinds, precisions;
    long long rows = 0;
  };
  std::map<std::string, NotTaken> not_taken;
  for (const auto& g : skipped.value("groups", nlohmann::ordered_json::array())) {
    const std::string solver = g.value("solver", "?"), reason = g.value("reason", "");
    const long long rows = g.value("rows", 0LL);
    const std::string prefix = solver + ": ";
    if (reason.rfind(prefix, 0) == 0) {
      auto& u = unavailable[reason.substr(prefix.size())];
      u.first.insert(solver);
      u.second += rows;
    } else if (reason.find(" has no ") != std::string::npos) {
      not_taken[solver].precisions.insert(g.value("precision", "?"));
      not_taken[solver].rows += rows;
    } else {
      not_taken[solver].kinds.insert(g.value("kind", "?"));
      not_taken[solver].rows += rows;
    }
  }
  // A solver unavailable here would not run anything: its kinds and precisions do not matter.
  for (auto& [reason, u] : unavailable)
    for (const auto& solver : u.first)
      if (auto it = not_taken.find(solver); it != not_taken.end()) {
        u.second += it->second.rows;
        not_taken.erase(it);
      }
  std::vector<SkipLine> out;
  for (const auto& [reason, u] : unavailable) out.push_back({name_solvers(u.first), "unavailable here: " + reason, u.second});
  // Solvers of one backend that leave out the same kinds and precisions share a line.
  std::map<std::pair<std::string, std::string>, std::pair<std::set<std::string>, long long>> same;
  auto join = [](const std::set<std::string>& set) {
    std::string j;
    for (const auto& x : set) j += (j.empty() ? "" : ", ") + x;
    return j;
  };
  for (const auto& [solver, t] : not_taken) {
    std::string why;
    if (!t.kinds.empty()) why = "does not take " + join(t.kinds) + " problems";
    if (!t.precisions.empty()) why += (why.empty() ? "" : "; ") + std::string("has no ") + join(t.precisions) + " variant";
    auto& g = same[{solver.substr(0, solver.find('.') + 1), why}];
    g.first.insert(solver);
    g.second += t.rows;
  }
  for (const auto& [key, g] : same) out.push_back({name_solvers(g.first), key.second, g.second});
  return out;
}

std::string format_skip_lines(const std::vector<SkipLine>& lines, const std::string& indent) {
  std::size_t w = 0;
  for (const auto& l : lines) w = std::max(w, l.solvers.size());
  std::string s;
  for (const auto& l : lines) s += fmt::format("{}{:<{}}  {:>6}  {}\n", indent, l.solvers, w, l.rows, l.reason);
  return s;
}

}  // namespace condbench
