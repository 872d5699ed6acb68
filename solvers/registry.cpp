#include "solvers/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace condbench {

const char* to_string(Precision p) { return p == Precision::f32 ? "f32" : "f64"; }

const char* to_string(ProblemKind k) {
  switch (k) {
    case ProblemKind::general: return "general";
    case ProblemKind::spd: return "spd";
    case ProblemKind::least_squares: return "least_squares";
    case ProblemKind::underdetermined: return "underdetermined";
  }
  return "?";
}

const char* to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::failed: return "failed";
    case Status::skipped: return "skipped";
  }
  return "?";
}

bool parse_precision(const std::string& s, Precision& out) {
  if (s == "f32" || s == "float32" || s == "float") { out = Precision::f32; return true; }
  if (s == "f64" || s == "float64" || s == "double") { out = Precision::f64; return true; }
  return false;
}

bool parse_problem_kind(const std::string& s, ProblemKind& out) {
  for (auto k : {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined}) {
    if (s == to_string(k)) { out = k; return true; }
  }
  if (s == "square") { out = ProblemKind::general; return true; }
  if (s == "ls") { out = ProblemKind::least_squares; return true; }
  return false;
}

std::string Solver::why_not(ProblemKind kind, Precision p) const {
  const SolverInfo& i = info();
  if (!i.kinds.contains(kind)) return i.name + " does not take " + to_string(kind) + " problems";
  if ((p == Precision::f32 && !i.f32) || (p == Precision::f64 && !i.f64))
    return i.name + " has no " + to_string(p) + " variant";
  std::string u = unavailable_reason();
  if (!u.empty()) return i.name + ": " + u;
  return {};
}

SolverRegistry& SolverRegistry::instance() {
  static SolverRegistry r;
  return r;
}

void SolverRegistry::add(std::unique_ptr<Solver> s) {
  std::lock_guard lock(mu_);
  if (const Solver* old = find(s->info().name)) {
    std::string msg = "solver '" + s->info().name + "' from " + s->info().origin + " is already defined (" +
                      old->info().origin + ")";
    if (s->info().origin == "built-in") throw std::logic_error(msg);
    throw std::invalid_argument(msg);
  }
  solvers_.push_back(std::move(s));
}

void SolverRegistry::add_family(SolverFamily f) {
  std::lock_guard lock(mu_);
  families_.push_back(std::move(f));
}

void SolverRegistry::remove(const std::string& name) {
  std::lock_guard lock(mu_);
  std::erase_if(solvers_, [&](const auto& s) { return s->info().name == name; });
}

const Solver* SolverRegistry::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  for (const auto& s : solvers_)
    if (s->info().name == name) return s.get();
  return nullptr;
}

const Solver* SolverRegistry::resolve(const std::string& name) {
  std::lock_guard lock(mu_);
  if (const Solver* s = find(name)) return s;
  for (const SolverFamily& f : families_) {
    if (name.rfind(f.prefix, 0) != 0) continue;
    std::unique_ptr<Solver> made = f.make(name);  // throws std::invalid_argument with the reason
    if (!made) continue;
    if (made->info().name != name)
      throw std::logic_error("solver family '" + f.prefix + "' built '" + made->info().name + "' for '" + name + "'");
    const Solver* raw = made.get();
    solvers_.push_back(std::move(made));
    return raw;
  }
  return nullptr;
}

std::vector<const Solver*> SolverRegistry::all() const {
  std::lock_guard lock(mu_);
  std::vector<const Solver*> v;
  for (const auto& s : solvers_) v.push_back(s.get());
  std::sort(v.begin(), v.end(), [](const Solver* a, const Solver* b) { return a->info().name < b->info().name; });
  return v;
}

std::vector<SolverFamily> SolverRegistry::families() const {
  std::lock_guard lock(mu_);
  return families_;
}

std::vector<const Solver*> SolverRegistry::match(const std::string& pattern) {
  std::lock_guard lock(mu_);
  if (pattern.empty() || pattern.back() != '*') {
    const Solver* s = resolve(pattern);
    return s ? std::vector<const Solver*>{s} : std::vector<const Solver*>{};
  }
  std::vector<const Solver*> v;
  for (const Solver* s : all()) {
    const std::string& n = s->info().name;
    // "*" (all), an exact name, or a prefix ending in "*": "lapack.*", "cusolver.irs_*".
    bool hit = n == pattern;
    if (!hit && !pattern.empty() && pattern.back() == '*') hit = n.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
    if (hit) v.push_back(s);
  }
  return v;
}

std::vector<std::string> SolverRegistry::names() const {
  std::vector<std::string> v;
  for (const Solver* s : all()) v.push_back(s->info().name);
  return v;
}

}  // namespace condbench
