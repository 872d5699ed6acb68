// condbench baseline RUN_DIR... --out FILE.json
#include "reports/cli/command.hpp"
#include "reports/common/run_data.hpp"
#include "reports/common/timing_only.hpp"
#include "reports/regress/baseline.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace condbench::cli {
namespace {

struct BaselineArgs {
  std::vector<std::string> runs;
  std::string out;
  bool force = false;
};

int run(const BaselineArgs& a) {
  namespace fs = std::filesystem;
  if (fs::exists(a.out) && !a.force)
    throw InputError(a.out, "exists; pass --force to replace the baseline (review the diff before committing it)");
  std::vector<RunData> runs;
  for (const auto& dir : a.runs) {
    runs.push_back(load_run(dir));
    require_errors(runs.back(), "baseline summarizes forward errors");
  }
  regress::Baseline b = regress::make_baseline(runs, command_line());
  std::string text = regress::baseline_to_text(b);
  fs::path tmp = fs::path(a.out).concat(".tmp");
  {
    std::ofstream out(tmp);
    if (!out) throw InputError(a.out, "cannot write the baseline file");
    out << text;
  }
  fs::rename(tmp, a.out);
  int ok = 0, failed = 0;
  for (const auto& [key, g] : b.groups) (g.failed ? failed : ok)++;
  fmt::print("baseline of study '{}', seeds {}: {} groups (solver x precision x family x kappa range), {} with "
             "failures -> {}\n",
             b.study.value("name", std::string()), b.study.value("seeds", nlohmann::json()).dump(), b.groups.size(), failed, a.out);
  return 0;
}

Command make(CLI::App& app) {
  auto a = std::make_shared<BaselineArgs>();
  auto* sub = app.add_subcommand("baseline", "summarize the accuracy of run folders into a reviewable baseline "
                                             "(JSON) for condbench regress");
  sub->add_option("runs", a->runs, "run folders of one study (several: other seeds, pooled)")->required();
  sub->add_option("-o,--out", a->out, "baseline file to write, e.g. studies/baselines/quick.json")->required();
  sub->add_flag("-f,--force", a->force, "replace an existing baseline file");
  return {sub, [a] { return run(*a); }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(50, make);
}  // namespace condbench::cli
