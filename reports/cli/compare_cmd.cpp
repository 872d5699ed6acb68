// condbench compare RUN_A RUN_B: verdict table (Markdown, stdout) and an HTML report.
#include "reports/cli/command.hpp"
#include "reports/common/timing_only.hpp"
#include "reports/compare/compare.hpp"
#include "reports/compare/stacks.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace condbench::cli {
namespace {

struct CompareArgs {
  std::string run_a, run_b, html;
  bool no_html = false;
  std::vector<std::string> maps;
  std::string stacks;  // "A,B": two BLAS/LAPACK stacks (docs/blas-stacks.md)
  compare::Options opt;
};

int do_compare(CompareArgs& a) {
  for (const auto& m : a.maps) {
    auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
      throw InputError("--map", "'" + m + "' is not B_SOLVER=A_SOLVER");
    a.opt.solver_map[m.substr(0, eq)] = m.substr(eq + 1);
  }
  if (a.run_b.empty() && a.stacks.empty())
    throw InputError("compare", "give two runs, or one run and --stacks A,B to compare two of its stacks");
  RunData ra = load_run(a.run_a);
  RunData rb = a.run_b.empty() ? ra : load_run(a.run_b);
  require_errors(ra, "compare compares forward errors");
  if (!a.run_b.empty()) require_errors(rb, "compare compares forward errors");
  const std::string paired = compare::pair_stacks(ra, rb, a.stacks, a.opt);
  compare::Comparison c = compare::compare_runs(ra, rb, a.opt);
  if (!paired.empty()) fmt::print("({})\n\n", paired);
  fmt::print("{}", compare::markdown(c, ra, rb));
  if (!a.no_html) {
    const std::string& dir = a.run_b.empty() ? a.run_a : a.run_b;
    std::string path = a.html.empty() ? (std::filesystem::path(dir) / "compare.html").string() : a.html;
    auto assets = report::find_web_assets(CONDBENCH_SOURCE_DIR);
    std::ofstream out(path);
    out << compare::html(c, ra, rb, assets);
    if (!out) throw InputError(path, "cannot write the comparison");
    fmt::print("\nHTML: {}\n", path);
  }
  return 0;
}

Command make(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  auto* sub = app.add_subcommand("compare", "compare two runs (A before, B after): change in error and time per "
                                            "solver x precision x problem x kappa range, with verdicts");
  sub->add_option("run_a", a->run_a, "run folder A (the baseline)")->required();
  sub->add_option("run_b", a->run_b, "run folder B (the candidate); optional with --stacks");
  sub->add_option("--html", a->html, "HTML report file (default: RUN_B/compare.html)");
  sub->add_flag("--no-html", a->no_html, "only the Markdown table on stdout");
  sub->add_option("--map", a->maps, "pair solver B_SOLVER of run B with A_SOLVER of run A (e.g. "
                                    "cusolver.lu=lapack.lu); repeatable");
  sub->add_option("--stacks", a->stacks, "A,B: stack A's rows (of RUN_A) against stack B's (of RUN_B, or of RUN_A "
                                         "when alone), e.g. netlib,openblas-pthread; 'linked' is the built-in lapack.*");
  sub->add_option("--error-factor", a->opt.error_factor, "smallest change of error that counts (default 2)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--time-factor", a->opt.time_factor, "smallest change of time that counts (default 1.1)")
      ->check(CLI::PositiveNumber);
  return {sub, [a] { return do_compare(*a); }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(40, make);
}  // namespace condbench::cli
