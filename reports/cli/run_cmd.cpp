// condbench run STUDY --out DIR
#include "reports/cli/command.hpp"
#include "reports/report/report.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"
#include "studies/runner/timing_only.hpp"

#include <fmt/format.h>

#include <memory>

namespace condbench::cli {
namespace {

struct RunArgs {
  std::string study;
  RunOptions opt;
  bool quiet = false;
  bool no_report = false;
};

int run(RunArgs& a) {
  Study study = load_study(a.study);
  a.opt.progress = !a.quiet;
  a.opt.command_line = command_line();
  install_interrupt_handler();
  fmt::print(stderr, "condbench {}: study '{}' from {}: {} cases x {} precisions x {} solvers -> {}\n",
             condbench_version(), study.name, a.study, study.case_count(), study.precisions.size(),
             study.solvers.size(), a.opt.out_dir);
  RunResult r = run_study(study, a.opt);
  fmt::print("{}", format_summary(summarize(r.rows)));
  fmt::print("{}", format_time_exponents(fit_time_exponents(r.rows)));
  fmt::print("\n{} rows in {:.1f} s: {}/results.csv, {}/run.json\n", r.rows.size(), r.seconds, a.opt.out_dir,
             a.opt.out_dir);
  if (!a.no_report && all_timing_only(r.rows)) {
    fmt::print("report: none, the study is timing-only (reference = false); see results.csv\n");
  } else if (!a.no_report) {
    // An interrupted run gets its report too: the rows so far are worth a look.
    try {
      auto files = report::write_report(a.opt.out_dir, report::find_web_assets(CONDBENCH_SOURCE_DIR));
      fmt::print("report: {} (figures/*.svg, summary.md beside it)\n", files.html);
    } catch (const InputError& e) {
      throw InputError(a.opt.out_dir, std::string("the results are written, but the report failed (--no-report "
                                                  "skips it): ") + e.what());
    }
  }
  if (r.interrupted) {
    fmt::print(stderr, "interrupted: the rows computed so far are in {}/results.csv\n", a.opt.out_dir);
    return 130;
  }
  return 0;
}

Command make(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "run a study file: results.csv and run.json in the output folder");
  sub->add_option("study", a->study, "study file (TOML), e.g. studies/quick.toml")->required();
  sub->add_option("-o,--out", a->opt.out_dir, "output folder (created; must be empty unless --force)")->required();
  sub->add_flag("-f,--force", a->opt.force, "replace the results in an existing output folder");
  sub->add_option("-t,--threads", a->opt.threads, "BLAS threads (default: OpenBLAS's own default); recorded");
  sub->add_option("--case", a->opt.case_filter, "run only the case with this id (reproduce one row)");
  sub->add_option("--solver", a->opt.solver_filter, "run only solvers matching NAME or backend.*");
  sub->add_option("--precision", a->opt.precision_filter, "run only f32 or f64");
  sub->add_flag("-q,--quiet", a->quiet, "no progress on stderr");
  sub->add_flag("--no-report", a->no_report, "do not write report.html, figures/ and summary.md at the end");
  return {sub, [a] { return run(*a); }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(10, make);
}  // namespace condbench::cli
