// condbench report RUN_DIR: report.html, figures/*.svg and summary.md in the run folder.
#include "reports/chains/chain_report.hpp"
#include "reports/cli/command.hpp"
#include "reports/report/report.hpp"
#include "studies/chains/chain_runner.hpp"

#include <fmt/format.h>

#include <memory>

namespace condbench::cli {
namespace {

struct ReportArgs {
  std::string run_dir;
};

int report(const ReportArgs& a) {
  auto assets = condbench::report::find_web_assets(CONDBENCH_SOURCE_DIR);
  // A chain study's run (issue 14) gets the chain report.
  auto files = condbench::chains::is_chain_run(a.run_dir) ? condbench::chains::write_chain_report(a.run_dir, assets)
                                                           : condbench::report::write_report(a.run_dir, assets);
  fmt::print("report: {}\nsummary: {}\nfigures: {}/figures/ ({} SVG)\n", files.html, files.summary, a.run_dir,
             files.figures.size());
  return 0;
}

Command make(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  auto* sub = app.add_subcommand("report", "write report.html (self-contained), figures/*.svg and summary.md into a "
                                           "run folder");
  sub->add_option("run_dir", a->run_dir, "run folder written by condbench run")->required();
  return {sub, [a] { return report(*a); }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(30, make);
}  // namespace condbench::cli
