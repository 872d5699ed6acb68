#include "studies/runner/runner.hpp"

#include "solvers/mpi/world.hpp"
#include "studies/execution/executor.hpp"
#include "studies/execution/mpi_executor.hpp"
#include "studies/execution/results_file.hpp"
#include "studies/execution/shard.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/run_folder.hpp"
#include "studies/runner/solve_task.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace condbench {
namespace fs = std::filesystem;
namespace {

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted = true; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string format_duration(double s) {
  if (!std::isfinite(s)) return "?";
  int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02}s", t / 60, t % 60);
}

void prepare_out_dir(const RunOptions& opt) {
  if (opt.out_dir.empty()) throw InputError("--out", "an output folder is required");
  fs::path dir(opt.out_dir);
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError(opt.out_dir, "exists and is not a folder");
    if (!fs::is_empty(dir, ec) && !opt.force)
      throw InputError(opt.out_dir, "output folder exists and is not empty; pass --force to replace its results, "
                                    "or --resume to continue an interrupted run");
    if (opt.force) {
      for (const char* f : {"results.csv", "journal.jsonl", "run.json", "report.html", "summary.md", "compare.html"})
        fs::remove(dir / f, ec);
      fs::remove_all(dir / "figures", ec);
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw InputError(opt.out_dir, "cannot create output folder: " + ec.message());
}

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

// What a resumed run must share with the run it continues.
void check_resumable(const nlohmann::ordered_json& old, const nlohmann::ordered_json& now, const std::string& dir) {
  auto differ = [&](const char* what, const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) {
    if (a != b)
      throw InputError(dir, fmt::format("cannot resume: the {} differs from the interrupted run's ({} there, {} now); "
                                        "start a new run (--force) or rerun with the same {}",
                                        what, a.dump().substr(0, 200), b.dump().substr(0, 200), what));
  };
  const auto& os = old.at("study");
  const auto& ns = now.at("study");
  differ("study text", os.value("text", ""), ns.value("text", ""));
  differ("solver list", os.value("solver_names", nlohmann::ordered_json()), ns.value("solver_names", nlohmann::ordered_json()));
  differ("condbench commit", old.at("context").value("git_commit", ""), now.at("context").value("git_commit", ""));
  differ("filters (--case/--solver/--precision)", old.value("filters", nlohmann::ordered_json()),
         now.value("filters", nlohmann::ordered_json()));
  differ("shard", old.at("execution").value("shard", nlohmann::ordered_json()),
         now.at("execution").value("shard", nlohmann::ordered_json()));
  differ("skipped-rows setting", old.at("execution").value("skipped_rows", false),
         now.at("execution").value("skipped_rows", false));
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
  if (opt.threads < 0) throw InputError("--threads", "must be >= 0");
  if (opt.jobs < 0) throw InputError("--jobs", "must be >= 1");
  if (opt.resume && opt.force) throw InputError("--resume", "--resume continues a run, --force replaces it: not both");

  exec::Shard shard;
  if (!opt.shard.empty())
    shard = exec::parse_shard(opt.shard, "--shard");
  else if (auto s = exec::shard_from_slurm())
    shard = *s;
  std::vector<std::pair<const ProblemSpec*, std::uint64_t>> all_cases = select_cases(study, opt.case_filter);
  const std::vector<std::size_t> planned = exec::shard_cases(all_cases.size(), shard);

  int jobs = opt.jobs > 0 ? opt.jobs : study.jobs;
  bool isolate = opt.isolate || study.isolate;
  std::vector<std::string> isolated_by_solver;
  for (const Solver* s : solvers)
    if (s->info().isolate_by_default) isolated_by_solver.push_back(s->info().name);
  isolate = isolate || !isolated_by_solver.empty();
  const double time_limit = opt.time_limit_s >= 0 ? opt.time_limit_s : study.time_limit_s;
  const bool keep_skipped = opt.keep_skipped || study.skipped_rows;
  // Pinned for the whole run and recorded: OpenBLAS switches between one thread and
  // all of them around m*n = 10,000, which would otherwise bend timing curves. Cases
  // running side by side get one thread each.
  int threads = opt.threads > 0 ? opt.threads : study.threads;
  if (jobs > 1) threads = 1;
  // [MPI] Under mpirun the ranks are the jobs, one BLAS thread each unless asked, and
  // nothing is forked: a crash ends the job (docs/mpi.md).
  if (mpi::active()) {
    if (opt.jobs > 1 || opt.isolate)
      throw InputError(opt.jobs > 1 ? "--jobs" : "--isolate",
                       "not under mpirun: the ranks run the cases (mpirun -np N), without fork isolation");
    jobs = mpi::size();
    isolate = false;
    threads = opt.threads > 0 ? opt.threads : study.threads > 0 ? study.threads : 1;
  }
  if (threads > 0) set_blas_threads(threads);

  SolveTaskOptions topt;
  topt.solvers = solvers;
  topt.precisions = precisions;
  topt.keep_skipped_rows = keep_skipped;
  topt.jobs = jobs;
  SolveTask task(study, all_cases, topt);
  exec::MpiSession mpi_session;  // [MPI] the ranks meet; ranks > 0 compute what rank 0 hands out
  if (mpi_session.follower()) {
    RunResult r;
    r.interrupted = mpi_session.follow(task, &g_interrupted).interrupted;
    return r;
  }

  fs::path dir(opt.out_dir);
  nlohmann::ordered_json meta;
  meta["format_version"] = kResultsFormatVersion;
  meta["status"] = "running";
  meta["command"] = opt.command_line;
  meta["start_time"] = now_iso8601();
  meta["end_time"] = nullptr;
  meta["context"] = run_context();
  meta["study"] = study_json(study, solvers);
  meta["filters"] = {{"case", opt.case_filter}, {"solver", opt.solver_filter}, {"precision", opt.precision_filter}};
  nlohmann::ordered_json execution;
  execution["jobs"] = jobs;
  execution["isolate"] = isolate;
  if (isolate && !isolated_by_solver.empty()) execution["isolated_because"] = isolated_by_solver;
  execution["time_limit_s"] = time_limit;
  execution["skipped_rows"] = keep_skipped;
  execution["shard"] = shard.whole() ? nlohmann::ordered_json(nullptr)
                                     : nlohmann::ordered_json{{"index", shard.index}, {"count", shard.count}};
  execution["cases_planned"] = planned.size();
  if (mpi_session.active()) {  // [MPI]
    execution["mpi"] = mpi_session.context();
    if (!isolated_by_solver.empty()) execution["mpi"]["not_isolated"] = isolated_by_solver;
  }
  meta["execution"] = execution;

  nlohmann::ordered_json resumptions = nlohmann::ordered_json::array();
  // --resume of a run that never wrote its run.json (killed at its very start, or a
  // Slurm requeue script that always passes --resume) starts it.
  bool resume = opt.resume && fs::exists(dir / "run.json");
  if (opt.resume && !resume && fs::exists(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) {
      std::string f = e.path().filename().string();
      if (f != "results.csv" && f != "journal.jsonl" && f != "run.json.tmp")
        throw InputError(opt.out_dir, "cannot resume: no run.json, and the folder holds other files (" + f + ")");
    }
  }
  if (resume) {
    nlohmann::ordered_json old = read_run_json(opt.out_dir, "cannot resume");
    check_resumable(old, meta, opt.out_dir);
    meta["start_time"] = old.value("start_time", meta["start_time"]);
    resumptions = old.value("resumptions", resumptions);
  } else {
    RunOptions fresh = opt;
    fresh.force = opt.force || opt.resume;
    prepare_out_dir(fresh);
  }

  exec::ResultsFile results(dir, task.header(), resume);
  std::vector<std::size_t> todo;
  for (std::size_t c : planned)
    if (!results.done().count(c)) todo.push_back(c);
  if (resume)
    resumptions.push_back({{"time", now_iso8601()},
                           {"command", opt.command_line},
                           {"cases_done", results.done().size()},
                           {"cases_left", todo.size()}});
  if (!resumptions.empty()) meta["resumptions"] = resumptions;
  write_run_json(dir, meta);

  RunResult result;
  auto t0 = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO);
  exec::ExecOptions eopt;
  eopt.jobs = jobs;
  eopt.isolate = isolate;
  eopt.time_limit_s = time_limit;
  eopt.interrupted = &g_interrupted;
  if (opt.progress)
    eopt.progress = [&](std::size_t done, std::size_t total, std::size_t c) {
      double el = seconds_since(t0);
      double eta = el / static_cast<double>(done) * static_cast<double>(total - done);
      const auto& [spec, seed] = task.case_at(c);
      std::string line = fmt::format("[{:>5}/{}] {:3.0f}%  elapsed {}  ETA {}  {}:{}x{}:s{}", done, total,
                                     100.0 * static_cast<double>(done) / static_cast<double>(total),
                                     format_duration(el), format_duration(eta), spec->generator->info().name,
                                     spec->m, spec->n, seed);
      if (tty)
        fmt::print(stderr, "\r{:<140.140}", line);
      else
        fmt::print(stderr, "{}\n", line);
    };
  exec::ExecStats stats;
  try {
    stats = mpi_session.active() ? mpi_session.execute(task, todo, results, eopt)  // [MPI]
                                 : exec::execute(task, todo, results, eopt);
  } catch (const std::exception& e) {
    meta["status"] = "failed";
    meta["error"] = e.what();
    meta["end_time"] = now_iso8601();
    write_run_json(dir, meta);
    throw;
  }
  if (opt.progress && tty && !todo.empty()) fmt::print(stderr, "\n");
  result.interrupted = stats.interrupted;
  result.crashes = stats.crashes;
  result.timeouts = stats.timeouts;
  result.seconds = seconds_since(t0);
  if (!result.interrupted) results.sort_by_case();

  result.rows = read_results(dir);
  int ok = 0, failed = 0, skipped = 0;
  for (const auto& r : result.rows) (r.status == "ok" ? ok : r.status == "failed" ? failed : skipped)++;
  meta["status"] = result.interrupted ? "interrupted" : "complete";
  meta["end_time"] = now_iso8601();
  meta["seconds"] = result.seconds;
  meta["execution"]["crashes"] = stats.crashes;
  meta["execution"]["timeouts"] = stats.timeouts;
  meta["execution"]["cases_done"] = results.done().size();
  meta["skipped"] = skipped_json(results.tallies(), result.skipped_rows);
  meta["rows"] = {{"total", result.rows.size()}, {"ok", ok}, {"failed", failed}, {"skipped", skipped}};
  meta["context"]["blas_threads"] = blas_threads();
  nlohmann::ordered_json fits = nlohmann::ordered_json::array();
  for (const auto& f : fit_time_exponents(result.rows))
    fits.push_back({{"solver", f.solver}, {"precision", f.precision}, {"kind", f.kind}, {"exponent", f.exponent},
                    {"n_min", f.n_min}, {"n_max", f.n_max}, {"sizes", f.sizes}});
  meta["time_exponents"] = fits;
  write_run_json(dir, meta);
  return result;
}

}  // namespace condbench
