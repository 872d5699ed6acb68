// condbench compare RUN_A RUN_B: verdict table (Markdown, stdout) and an HTML report.
#include "reports/cli/command.hpp"
#include "reports/common/timing_only.hpp"
#include "reports/compare/compare.hpp"
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
  compare::Options opt;
};

int do_compare(CompareArgs& a) {
  for (const auto& m : a.maps) {
    auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
      throw InputError("--map", "'" + m + "' is not B_SOLVER=A_SOLVER");
    a.opt.solver_map[m.substr(0, eq)] = m.substr(eq + 1);
  }
  RunData ra = load_run(a.run_a);
  RunData rb = load_run(a.run_b);
  require_errors(ra, "compare compares forward errors");
  require_errors(rb, "compare compares forward errors");
  compare::Comparison c = compare::compare_runs(ra, rb, a.opt);
  fmt::print("{}", compare::markdown(c, ra, rb));
  if (!a.no_html) {
    std::string path = a.html.empty() ? (std::filesystem::path(a.run_b) / "compare.html").string() : a.html;
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
  sub->add_option("run_b", a->run_b, "run folder B (the candidate)")->required();
  sub->add_option("--html", a->html, "HTML report file (default: RUN_B/compare.html)");
  sub->add_flag("--no-html", a->no_html, "only the Markdown table on stdout");
  sub->add_option("--map", a->maps, "pair solver B_SOLVER of run B with A_SOLVER of run A (e.g. "
                                    "cusolver.lu=lapack.lu); repeatable");
  sub->add_option("--error-factor", a->opt.error_factor, "smallest change of error that counts (default 2)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--time-factor", a->opt.time_factor, "smallest change of time that counts (default 1.1)")
      ->check(CLI::PositiveNumber);
  return {sub, [a] { return do_compare(*a); }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(40, make);
}  // namespace condbench::cli
