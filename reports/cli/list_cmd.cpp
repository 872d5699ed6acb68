// condbench list solvers | generators | studies
#include "reports/cli/command.hpp"
#include "reports/cli/plugin_options.hpp"
#include "reports/common/install_dirs.hpp"
#include "solvers/registry.hpp"
#include "studies/chains/chain_study.hpp"
#include "studies/generators/generator.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/skips.hpp"
#include "studies/runner/stacks.hpp"
#include "studies/runner/study.hpp"
#include "studies/runner/worker_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
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
  fmt::print("{:<{}} {:<4} {:<44} {:<8} {}\n", "solver", w, "here", "problem kinds", "precis.", "method");
  // reason -> the solvers it keeps from running here, listed once under the table
  std::map<std::string, std::set<std::string>> unavailable;
  int outside = 0;
  for (const Solver* s : SolverRegistry::instance().all()) {
    const auto& i = s->info();
    std::string prec = std::string(i.f32 ? "f32" : "") + (i.f32 && i.f64 ? "," : "") + (i.f64 ? "f64" : "");
    std::string u = s->unavailable_reason();
    if (!u.empty()) unavailable[u].insert(i.name);
    fmt::print("{:<{}} {:<4} {:<44} {:<8} {}\n", i.name, w, u.empty() ? "yes" : "no", kinds_of(i), prec,
               i.description);
    if (i.origin != "built-in") fmt::print("{:<{}} from {}\n", "", w, i.origin);
    outside += i.origin != "built-in";
  }
  for (const auto& [why, names] : unavailable) {
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const auto& n : names) groups.push_back({{"solver", n}, {"reason", n + ": " + why}, {"rows", 0}});
    for (const auto& line : skip_lines({{"groups", groups}}))
      fmt::print("\nunavailable here: {}: {}\n", line.solvers, why);
  }
  if (outside) fmt::print("\n{} solvers from outside (their 'from' line says where); the others are built in\n", outside);
  fmt::print("\nsolver families (names built when a study asks for them; the list above holds their registered "
             "defaults):\n");
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
  fs::path dir = data_dir("studies", CONDBENCH_SOURCE_DIR, "studies");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    try {
      if (chains::is_chain_study(f.string())) {  // a layer-chain study (issue 14)
        chains::ChainStudy c = chains::load_chain_study(f.string());
        fmt::print("{:<48} {:>5} cases  (layer chains) {}\n", f.string(), c.case_count(), c.description);
        continue;
      }
      Study s = load_study(f.string());
      fmt::print("{:<48} {:>5} cases  {}\n", f.string(), s.case_count(), s.description);
    } catch (const InputError& e) {
      fmt::print("{:<48} invalid: {}\n", f.string(), e.what());
    }
  }
}

Command make(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  auto plugins = std::make_shared<std::vector<std::string>>();
  auto workers = std::make_shared<std::string>();
  auto study = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("list", "list solvers, generators or the shipped studies");
  sub->add_option("what", *what, "solvers | generators | studies")
      ->required()
      ->check(CLI::IsMember({"solvers", "generators", "studies"}));
  add_plugin_option(sub, *plugins);
  sub->add_option("--workers", *workers, "TOML file of [[worker]] tables: list their solvers too");
  sub->add_option("--study", *study, "with 'solvers': load this study first and list its stack solvers and stacks");
  return {sub, [what, plugins, workers, study] {
            load_plugins(*plugins);
            if (!workers->empty()) load_workers_file(*workers);
            if (*what == "solvers") list_solvers(*study);
            if (*what == "generators") list_generators();
            if (*what == "studies") list_studies();
            return 0;
          }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(20, make);
}  // namespace condbench::cli
