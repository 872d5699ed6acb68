// condbench regress --baseline FILE.json RUN_DIR
// condbench regress --baseline FILE.json --run OUT_DIR [--seeds 3,4]
// Exit 0: accuracy holds; 1: something got worse (table on stdout); 2: bad input.
#include "reports/cli/command.hpp"
#include "reports/cli/plugin_options.hpp"
#include "reports/common/run_data.hpp"
#include "reports/common/timing_only.hpp"
#include "reports/regress/baseline.hpp"
#include "reports/regress/regress.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace condbench::cli {
namespace {

struct RegressArgs {
  std::string baseline, run_dir, run_out, junit;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> plugins;
  int threads = 0;
  bool force = false, quiet = false, verbose = false, allow_missing = false;
};

// Runs the study stored in the baseline (its own seeds unless --seeds); false when interrupted.
bool run_baseline_study(const regress::Baseline& b, const RegressArgs& a) {
  std::string path = b.study.value("path", std::string("baseline study"));
  load_plugins(a.plugins);
  // The study's own `plugins` entries are relative to the baseline's folder.
  Study study = parse_study(b.study.value("text", std::string()), a.baseline + " (study " + path + ")",
                            std::filesystem::path(a.baseline).parent_path().string());
  study.seeds = a.seeds.empty() ? b.study.value("seeds", study.seeds) : a.seeds;
  RunOptions opt;
  opt.out_dir = a.run_out;
  opt.force = a.force;
  opt.threads = a.threads;
  opt.progress = !a.quiet;
  opt.command_line = command_line();
  install_interrupt_handler();
  fmt::print(stderr, "condbench regress: running study '{}' ({} cases, seeds {}) -> {}\n", study.name,
             study.case_count(), nlohmann::json(study.seeds).dump(), a.run_out);
  return !run_study(study, opt).interrupted;
}

int run(const RegressArgs& a) {
  if (a.run_dir.empty() == a.run_out.empty())
    throw InputError("regress", "give either a RUN_DIR to check or --run OUT_DIR to run the baseline's study first");
  if (!a.seeds.empty() && a.run_out.empty()) throw InputError("--seeds", "only with --run");
  if (!a.plugins.empty() && a.run_out.empty()) throw InputError("--plugin", "only with --run");
  regress::Baseline base = regress::load_baseline(a.baseline);
  std::string dir = a.run_dir;
  if (!a.run_out.empty()) {
    if (!run_baseline_study(base, a)) {
      fmt::print(stderr, "interrupted: nothing checked\n");
      return 130;
    }
    dir = a.run_out;
  }
  RunData run = load_run(dir);
  require_errors(run, "regress checks forward errors");
  std::string status = run.meta.value("status", std::string("unknown"));
  if (status != "complete")
    throw InputError(dir, fmt::format("run is '{}', not complete: regress needs every row", status));
  nlohmann::ordered_json run_study_block = run.meta.value("study", nlohmann::ordered_json::object());
  std::string study = run_study_block.value("name", std::string());
  std::string base_study = base.study.value("name", std::string());
  if (study != base_study)
    fmt::print("note: the run is of study '{}', the baseline of study '{}'\n", study, base_study);

  regress::RegressOptions opt;
  opt.allow_missing = a.allow_missing;
  regress::add_skips(opt, run.meta, run.rows);
  regress::RegressReport rep = regress::compare(base, regress::summarize_groups(run.rows), opt);
  const auto& ctx = base.context;
  fmt::print("baseline {} (study '{}', seeds {}, {} {} on {}) against run {} (seeds {})\n", a.baseline, base_study,
             base.study.value("seeds", nlohmann::json()).dump(), ctx.value("blas", std::string("?")), ctx.value("blas_version", std::string()),
             ctx.value("cpu", std::string("?")), dir, run_study_block.value("seeds", nlohmann::json()).dump());
  fmt::print("{}", regress::format_report(rep, a.verbose));
  if (!a.junit.empty()) {
    std::ofstream out(a.junit);
    if (!out) throw InputError(a.junit, "cannot write the JUnit file");
    out << regress::junit_xml(rep, "condbench regress " + base_study);
  }
  return rep.failed() ? 1 : 0;
}

Command make(CLI::App& app) {
  auto a = std::make_shared<RegressArgs>();
  auto* sub = app.add_subcommand("regress", "check a run's accuracy against a baseline: exit 0 when it holds, 1 "
                                            "with a table of what got worse, 2 on bad input");
  sub->add_option("-b,--baseline", a->baseline, "baseline file written by condbench baseline")->required();
  sub->add_option("run_dir", a->run_dir, "run folder to check");
  sub->add_option("--run", a->run_out, "run the baseline's study into this folder first, then check it");
  sub->add_option("--seeds", a->seeds, "with --run: these seeds instead of the baseline's (e.g. 3,4)")
      ->delimiter(',');
  sub->add_option("-t,--threads", a->threads, "with --run: BLAS threads");
  sub->add_flag("-f,--force", a->force, "with --run: replace the results in an existing folder");
  add_plugin_option(sub, a->plugins);
  sub->add_flag("-q,--quiet", a->quiet, "with --run: no progress on stderr");
  sub->add_option("--junit", a->junit, "also write the verdicts as JUnit XML to this file");
  sub->add_flag("--allow-missing", a->allow_missing,
                "a baseline group absent from the run is reported, not failed (for runs of a subset)");
  sub->add_flag("-v,--verbose", a->verbose, "list every check, passing ones too");
  return {sub, [a] { return run(*a); }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(51, make);
}  // namespace condbench::cli
