// condbench run STUDY --out DIR
#include "reports/cli/chain_run.hpp"
#include "reports/cli/command.hpp"
#include "reports/cli/plugin_options.hpp"
#include "reports/report/report.hpp"
#include "solvers/mpi/world.hpp"
#include "studies/execution/mpi_executor.hpp"
#include "studies/chains/chain_study.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/run_folder.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/skips.hpp"
#include "studies/runner/study.hpp"
#include "studies/runner/worker_table.hpp"
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
  std::vector<std::string> plugins;
  std::string workers;  // --workers FILE: [[worker]] tables (docs/workers.md)
};

int run(RunArgs& a) {
  // Layer-chain studies ([[chain]] tables, issue 14) have their own runner and report.
  if (chains::is_chain_study(a.study)) return run_chain_study_command(a.study, a.opt, a.quiet, a.no_report);
  load_plugins(a.plugins);
  if (!a.workers.empty()) load_workers_file(a.workers);
  Study study = load_study(a.study);
  a.opt.progress = !a.quiet;
  a.opt.command_line = command_line();
  install_interrupt_handler();
  fmt::print(stderr, "condbench {}: study '{}' from {}: {} cases x {} precisions x {} solvers -> {}\n",
             condbench_version(), study.name, a.study, study.case_count(), study.precisions.size(),
             study.solvers.size(), a.opt.out_dir);
  RunResult r = run_study(study, a.opt);
  if (mpi::rank() > 0) return r.interrupted ? 130 : 0;  // [MPI] rank 0 reports for the job
  fmt::print("{}", format_summary(summarize(r.rows)));
  fmt::print("{}", format_time_exponents(fit_time_exponents(r.rows)));
  fmt::print("\n{} rows in {:.1f} s: {}/results.csv, {}/run.json\n", r.rows.size(), r.seconds, a.opt.out_dir,
             a.opt.out_dir);
  if (r.crashes || r.timeouts)
    fmt::print("{} solver rows crashed and {} timed out in their isolated process (failed rows, reason says which)\n",
               r.crashes, r.timeouts);
  if (r.skipped_rows > 0) {
    nlohmann::ordered_json meta = read_run_json(a.opt.out_dir, "reading the run back");
    fmt::print("not run ({} solver x case x precision combinations; run.json \"skipped\", --keep-skipped for rows):\n{}",
               r.skipped_rows, format_skip_lines(skip_lines(meta["skipped"])));
  }
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
    fmt::print(stderr,
               "interrupted: the rows computed so far are in {0}/results.csv; continue with\n  condbench run {1} --out "
               "{0} --resume\n",
               a.opt.out_dir, a.study);
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
  sub->add_flag("--resume", a->opt.resume,
                "continue an interrupted or killed run in --out: same study, solvers, commit and filters; runs only "
                "the cases not yet complete");
  sub->add_option("-j,--jobs", a->opt.jobs,
                  "cases at once, in forked processes with one BLAS thread each (default: the study's 'jobs', 1); "
                  "rows record it in the 'jobs' column");
  sub->add_flag("--isolate", a->opt.isolate,
                "run cases in forked processes: a solver that crashes or hangs becomes a failed row and the study "
                "goes on (always on for plugin solvers)");
  sub->add_option("--time-limit", a->opt.time_limit_s,
                  "seconds per solver row in isolated runs before it is killed and recorded as a timeout (default: "
                  "the study's 'time_limit', 3600; 0: none)");
  sub->add_option("--shard", a->opt.shard,
                  "I/N: run every N-th case starting at the I-th (default from SLURM_ARRAY_TASK_ID/COUNT in a Slurm "
                  "job array); join the shards with condbench merge");
  sub->add_flag("--keep-skipped", a->opt.keep_skipped,
                "write a 'skipped' row for every solver that does not take a case (default: counted in run.json and "
                "the report)");
  sub->add_option("-t,--threads", a->opt.threads, "BLAS threads (default: OpenBLAS's own default); recorded");
  sub->add_option("--case", a->opt.case_filter, "run only the case with this id (reproduce one row)");
  sub->add_option("--solver", a->opt.solver_filter, "run only solvers matching NAME or backend.*");
  sub->add_option("--precision", a->opt.precision_filter, "run only f32 or f64");
  sub->add_flag("-q,--quiet", a->quiet, "no progress on stderr");
  sub->add_option("--workers", a->workers, "TOML file of [[worker]] tables: solvers served by external programs");
  sub->add_flag("--no-report", a->no_report, "do not write report.html, figures/ and summary.md at the end");
  add_plugin_option(sub, a->plugins);
  return {sub, [a] { return exec::mpi_guarded([&] { return run(*a); }); }};  // [MPI] no rank left waiting
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(10, make);
}  // namespace condbench::cli
