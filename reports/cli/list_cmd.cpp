// condbench list solvers | generators | studies
#include "reports/cli/command.hpp"
#include "solvers/registry.hpp"
#include "studies/generators/generator.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/stacks.hpp"
#include "studies/runner/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>

namespace condbench::cli {
namespace {

std::string kinds_of(const SolverInfo& i) {
  std::string s;
  for (auto k : {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined})
    if (i.kinds.contains(k)) s += (s.empty() ? "" : ",") + std::string(to_string(k));
  return s;
}

void list_solvers(const std::string& study_path) {
  // A study's [[stack]] tables make solvers (lapack.lu@netlib) that exist only once it is loaded.
  std::optional<Study> study;
  if (!study_path.empty()) study = load_study(study_path);
  std::size_t w = 6;
  for (const Solver* s : SolverRegistry::instance().all()) w = std::max(w, s->info().name.size());
  fmt::print("{:<{}} {:<44} {:<8} {}\n", "solver", w, "problem kinds", "precis.", "method");
  for (const Solver* s : SolverRegistry::instance().all()) {
    const auto& i = s->info();
    std::string prec = std::string(i.f32 ? "f32" : "") + (i.f32 && i.f64 ? "," : "") + (i.f64 ? "f64" : "");
    fmt::print("{:<{}} {:<44} {:<8} {}\n", i.name, w, kinds_of(i), prec, i.description);
    if (i.origin != "built-in") fmt::print("{:<{}} from {}\n", "", w, i.origin);
    if (std::string u = s->unavailable_reason(); !u.empty()) fmt::print("{:<{}} unavailable here: {}\n", "", w, u);
  }
  fmt::print("\nsolver families (names built when a study asks for them):\n");
  for (const SolverFamily& f : SolverRegistry::instance().families()) fmt::print("  {}\n", f.grammar);
  if (study && !study->stacks.empty()) fmt::print("\nstacks of {}:\n{}", study_path, format_stacks(*study));
}

void list_generators() {
  for (const Generator* g : GeneratorRegistry::instance().all()) {
    const auto& i = g->info();
    std::string kinds;
    for (auto k : i.kinds) kinds += (kinds.empty() ? "" : ", ") + std::string(to_string(k));
    fmt::print("{}: {}\n  kinds: {}\n  parameters:\n", i.name, i.description, kinds);
    for (const auto& p : i.params)
      fmt::print("    {:<12} {:<7} {:<16} {}\n", p.name, p.type,
                 p.default_value.empty() ? "(required)" : "= " + p.default_value, p.help);
    fmt::print("\n");
  }
}

void list_studies() {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(CONDBENCH_SOURCE_DIR) / "studies";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    try {
      Study s = load_study(f.string());
      fmt::print("{:<48} {:>5} cases  {}\n", f.string(), s.case_count(), s.description);
    } catch (const InputError& e) {
      fmt::print("{:<48} invalid: {}\n", f.string(), e.what());
    }
  }
}

Command make(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  auto study = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("list", "list solvers, generators or the shipped studies");
  sub->add_option("what", *what, "solvers | generators | studies")
      ->required()
      ->check(CLI::IsMember({"solvers", "generators", "studies"}));
  sub->add_option("--study", *study, "with 'solvers': load this study first and list its stack solvers and stacks");
  return {sub, [what, study] {
            if (*what == "solvers") list_solvers(*study);
            if (*what == "generators") list_generators();
            if (*what == "studies") list_studies();
            return 0;
          }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(20, make);
}  // namespace condbench::cli
