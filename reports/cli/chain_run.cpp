#include "reports/cli/chain_run.hpp"

#include "reports/chains/chain_report.hpp"
#include "reports/cli/command.hpp"
#include "studies/chains/chain_runner.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

namespace condbench::cli {

int run_chain_study_command(const std::string& study_path, RunOptions opt, bool quiet, bool no_report) {
  chains::ChainStudy study = chains::load_chain_study(study_path);
  opt.progress = !quiet;
  opt.command_line = command_line();
  chains::install_chain_interrupt_handler();
  fmt::print(stderr, "condbench {}: chain study '{}' from {}: {} chains, {} cases -> {}\n", condbench_version(),
             study.name, study_path, study.chains.size(), study.case_count(), opt.out_dir);
  chains::ChainRunResult r = chains::run_chain_study(study, opt);
  fmt::print("{}", chains::format_chain_summary(r.rows));
  fmt::print("\n{} rows in {:.1f} s: {}/results.csv, {}/run.json\n", r.rows.size(), r.seconds, opt.out_dir,
             opt.out_dir);
  if (!no_report) {
    try {
      auto files = chains::write_chain_report(opt.out_dir, report::find_web_assets(CONDBENCH_SOURCE_DIR));
      fmt::print("report: {} (figures/*.svg, summary.md beside it)\n", files.html);
    } catch (const InputError& e) {
      throw InputError(opt.out_dir, std::string("the results are written, but the report failed (--no-report "
                                                "skips it): ") +
                                        e.what());
    }
  }
  if (r.interrupted) {
    fmt::print(stderr, "interrupted: the rows computed so far are in {}/results.csv\n", opt.out_dir);
    return 130;
  }
  return 0;
}

}  // namespace condbench::cli
