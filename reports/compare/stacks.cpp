#include "reports/compare/stacks.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

#include "studies/runner/input_error.hpp"

namespace condbench::compare {
namespace {

// "lapack.lu@netlib" -> {"lapack.lu", "netlib"}; no '@': {name, ""}.
std::pair<std::string, std::string> split(const std::string& solver) {
  const std::size_t at = solver.find('@');
  if (at == std::string::npos) return {solver, ""};
  return {solver.substr(0, at), solver.substr(at + 1)};
}

std::set<std::string> stacks_of(const RunData& run) {
  std::set<std::string> s;
  for (const ResultRow& r : run.rows)
    if (auto [method, stack] = split(r.solver); !stack.empty()) s.insert(stack);
  return s;
}

// name -> stack_version of the stacks a run loaded (run.json study.stacks).
std::map<std::string, std::string> stack_versions(const RunData& run) {
  std::map<std::string, std::string> v;
  if (run.meta.contains("study") && run.meta["study"].contains("stacks"))
    for (const auto& s : run.meta["study"]["stacks"])
      if (s.value("available", false)) v[s.value("name", "")] = s.value("stack_version", "");
  return v;
}

// After a BLAS upgrade the stack names stay and their libraries change: say which.
std::string version_changes(const RunData& a, const RunData& b) {
  const auto va = stack_versions(a), vb = stack_versions(b);
  std::string changed, same;
  for (const auto& [name, version] : va) {
    auto it = vb.find(name);
    if (it == vb.end()) continue;
    if (it->second == version)
      same += (same.empty() ? "" : ", ") + name;
    else
      changed += fmt::format("{}stack {}: {} (A) -> {} (B)", changed.empty() ? "" : "; ", name, version, it->second);
  }
  if (changed.empty() && same.empty()) return {};
  if (changed.empty()) return "the stacks of both runs have the same versions (" + same + ")";
  return changed + (same.empty() ? "" : "; the same: " + same);
}

}  // namespace

RunData stack_view(const RunData& run, const std::string& stack) {
  RunData v;
  v.dir = fmt::format("{} @{}", run.dir, stack);
  v.meta = run.meta;
  const bool linked = stack == "linked";
  for (const ResultRow& r : run.rows) {
    auto [method, row_stack] = split(r.solver);
    if (linked ? !row_stack.empty() || method.rfind("lapack.", 0) != 0 : row_stack != stack) continue;
    v.rows.push_back(r);
    v.rows.back().solver = method;
  }
  if (v.rows.empty()) {
    std::string known;
    for (const std::string& s : stacks_of(run)) known += (known.empty() ? "" : ", ") + s;
    throw InputError(run.dir, fmt::format("no rows of stack '{}' (stacks in this run: {}; 'linked' for the built-in "
                                          "lapack.* rows)",
                                          stack, known.empty() ? "none" : known));
  }
  // The header of the comparison names the stack's libraries, not the linked OpenBLAS.
  if (!linked && v.meta.contains("study") && v.meta["study"].contains("stacks"))
    for (const auto& s : v.meta["study"]["stacks"])
      if (s.value("name", "") == stack && s.value("available", false)) {
        v.meta["context"]["blas"] = "stack " + stack;
        v.meta["context"]["blas_version"] = s.value("stack_version", "-");
        v.meta["context"]["blas_threads"] = s.value("threads", -1);
      }
  return v;
}

std::optional<std::string> only_stack(const RunData& run) {
  std::set<std::string> s = stacks_of(run);
  if (s.size() != 1) return std::nullopt;
  return *s.begin();
}

std::pair<std::string, std::string> parse_stack_pair(const std::string& text) {
  const std::size_t comma = text.find(',');
  if (comma == std::string::npos || comma == 0 || comma + 1 == text.size() ||
      text.find(',', comma + 1) != std::string::npos)
    throw InputError("--stacks", "'" + text + "' is not A,B (two stack names, e.g. netlib,openblas-pthread)");
  return {text.substr(0, comma), text.substr(comma + 1)};
}

std::string pair_stacks(RunData& a, RunData& b, const std::string& stacks, Options& opt) {
  if (!stacks.empty()) {
    auto [sa, sb] = parse_stack_pair(stacks);
    a = stack_view(a, sa);
    b = stack_view(b, sb);
    return fmt::format("stack {} (A) against stack {} (B), solver names without the @stack suffix", sa, sb);
  }
  std::optional<std::string> sa = only_stack(a), sb = only_stack(b);
  if (!sa || !sb || *sa == *sb) return version_changes(a, b);
  std::set<std::string> mapped;
  for (const ResultRow& r : b.rows)
    if (auto [method, stack] = split(r.solver); stack == *sb && !opt.solver_map.count(r.solver)) {
      opt.solver_map[r.solver] = method + "@" + *sa;
      mapped.insert(method);
    }
  return fmt::format("paired the {} solvers of stack {} in B with stack {} in A (the runs differ in the stack only)",
                     mapped.size(), *sb, *sa);
}

}  // namespace condbench::compare
