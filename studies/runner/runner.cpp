#include "studies/runner/runner.hpp"

#include "studies/execution/results_file.hpp"
#include "studies/runner/case_memory.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/drive.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/run_folder.hpp"
#include "studies/runner/solve_task.hpp"
#include "studies/runner/stacks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>

namespace condbench {
namespace fs = std::filesystem;
namespace {

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted = true; }

std::vector<std::string> names_of(const std::vector<const Solver*>& solvers) {
  std::vector<std::string> v;
  for (const Solver* s : solvers) v.push_back(s->info().name);
  return v;
}

nlohmann::ordered_json study_json(const Study& s, const std::vector<const Solver*>& solvers) {
  nlohmann::ordered_json j;
  j["path"] = s.path;
  j["name"] = s.name;
  j["description"] = s.description;
  j["seeds"] = s.seeds;
  std::vector<std::string> precs;
  for (auto p : s.precisions) precs.push_back(to_string(p));
  j["precisions"] = precs;
  j["solvers"] = s.solver_patterns;
  j["solver_names"] = names_of(solvers);
  j["repetitions"] = s.repetitions;
  j["warmup"] = s.warmup;
  j["threads"] = s.threads;
  j["cases"] = s.case_count();
  if (!s.stacks.empty()) j["stacks"] = stacks_json(s);
  j["text"] = s.text;
  return j;
}

std::vector<std::pair<const ProblemSpec*, std::uint64_t>> select_cases_impl(const Study& study,
                                                                           const std::string& filter) {
  std::vector<std::pair<const ProblemSpec*, std::uint64_t>> out;
  for (const ProblemSpec& spec : study.problems)
    for (std::uint64_t seed : study.seeds) {
      if (!filter.empty()) {
        std::string suffix = fmt::format(":{}x{}:s{}", spec.m, spec.n, seed);
        if (filter.size() < suffix.size() || filter.compare(filter.size() - suffix.size(), suffix.size(), suffix))
          continue;
        if (spec.generator->generate(spec.params, spec.m, spec.n, seed).case_id != filter) continue;
      }
      out.emplace_back(&spec, seed);
    }
  if (out.empty()) throw InputError("--case", "no case of the study has id '" + filter + "'");
  return out;
}


// run.json "skipped": what did not run and why, per solver x precision x problem
// kind, from the journal's tallies (so a resumed run counts its earlier sessions).
nlohmann::ordered_json skipped_json(const std::map<std::string, int>& tallies, std::size_t& total) {
  total = 0;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [key, count] : tallies) {
    SkipKey k = SkipKey::decode(key);
    std::string reason = "unknown solver";
    Precision p;
    ProblemKind kind;
    if (const Solver* s = SolverRegistry::instance().find(k.solver);
        s && parse_precision(k.precision, p) && parse_problem_kind(k.kind, kind))
      reason = s->why_not(kind, p);
    list.push_back(
        {{"solver", k.solver}, {"precision", k.precision}, {"kind", k.kind}, {"reason", reason}, {"rows", count}});
    total += static_cast<std::size_t>(count);
  }
  return {{"rows", total}, {"groups", list}};
}

}  // namespace

std::vector<std::pair<const ProblemSpec*, std::uint64_t>> select_cases(const Study& study, const std::string& case_id) {
  return select_cases_impl(study, case_id);
}

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

const std::atomic<bool>& interrupt_flag() { return g_interrupted; }

RunResult run_study(const Study& study, const RunOptions& opt) {
  std::vector<const Solver*> solvers = study.solvers;
  if (!opt.solver_filter.empty()) {
    std::vector<const Solver*> keep;
    try {
      keep = SolverRegistry::instance().match(opt.solver_filter);
    } catch (const std::invalid_argument& e) {
      throw InputError("--solver", e.what());
    }
    std::erase_if(solvers, [&](const Solver* s) { return std::find(keep.begin(), keep.end(), s) == keep.end(); });
    if (solvers.empty()) throw InputError("--solver", "'" + opt.solver_filter + "' matches no solver of the study");
  }
  std::vector<Precision> precisions = study.precisions;
  if (!opt.precision_filter.empty()) {
    Precision p;
    if (!parse_precision(opt.precision_filter, p))
      throw InputError("--precision", "unknown precision '" + opt.precision_filter + "'");
    std::erase_if(precisions, [&](Precision q) { return q != p; });
    if (precisions.empty()) throw InputError("--precision", "the study does not run " + opt.precision_filter);
  }
  std::vector<std::string> isolated_by;
  for (const Solver* s : solvers)
    if (s->info().isolate_by_default) isolated_by.push_back(s->info().name);
  const Execution ex =
      decide_execution(opt, study.jobs, study.isolate, study.time_limit_s, study.threads, std::move(isolated_by));
  // A size too large fails here, not in the OOM killer hours later; cases side by side share the memory.
  check_case_memory(study, available_memory_bytes() / ex.jobs);

  // The whole study's cases (their indices are what shards, the journal and merge
  // count), then the --case filter.
  std::vector<std::pair<const ProblemSpec*, std::uint64_t>> all_cases = select_cases(study, "");
  std::vector<std::size_t> selected;
  if (opt.case_filter.empty()) {
    for (std::size_t i = 0; i < all_cases.size(); ++i) selected.push_back(i);
  } else {
    const auto one = select_cases(study, opt.case_filter).front();
    for (std::size_t i = 0; i < all_cases.size(); ++i)
      if (all_cases[i] == one) selected.push_back(i);
  }

  SolveTaskOptions topt;
  topt.solvers = solvers;
  topt.precisions = precisions;
  topt.keep_skipped_rows = opt.keep_skipped || study.skipped_rows;
  topt.jobs = ex.jobs;
  SolveTask task(study, all_cases, topt);

  RunResult result;
  Drive d;
  d.task = &task;
  d.cases = selected;
  d.format_version = kResultsFormatVersion;
  d.study = study_json(study, solvers);
  d.filters = {{"case", opt.case_filter}, {"solver", opt.solver_filter}, {"precision", opt.precision_filter}};
  d.keep_skipped = topt.keep_skipped_rows;
  d.label = [&](std::size_t c) {
    const auto& [spec, seed] = task.case_at(c);
    return fmt::format("{}:{}x{}:s{}", spec->generator->info().name, spec->m, spec->n, seed);
  };
  d.finish = [&](nlohmann::ordered_json& meta, const exec::ResultsFile& results) {
    result.rows = read_results(opt.out_dir);
    int ok = 0, failed = 0, skipped = 0;
    for (const auto& r : result.rows) (r.status == "ok" ? ok : r.status == "failed" ? failed : skipped)++;
    meta["skipped"] = skipped_json(results.tallies(), result.skipped_rows);
    meta["rows"] = {{"total", result.rows.size()}, {"ok", ok}, {"failed", failed}, {"skipped", skipped}};
    nlohmann::ordered_json fits = nlohmann::ordered_json::array();
    for (const auto& f : fit_time_exponents(result.rows))
      fits.push_back({{"solver", f.solver}, {"precision", f.precision}, {"kind", f.kind}, {"exponent", f.exponent},
                      {"n_min", f.n_min}, {"n_max", f.n_max}, {"sizes", f.sizes}});
    meta["time_exponents"] = fits;
  };
  DriveResult dr = drive(d, ex, opt);
  result.interrupted = dr.interrupted;
  result.seconds = dr.seconds;
  result.crashes = dr.crashes;
  result.timeouts = dr.timeouts;
  return result;
}

}  // namespace condbench
