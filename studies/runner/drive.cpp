#include "studies/runner/drive.hpp"

#include "solvers/mpi/world.hpp"
#include "studies/execution/executor.hpp"
#include "studies/execution/mpi_executor.hpp"
#include "studies/execution/shard.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/run_folder.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace condbench {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string format_duration(double s) {
  if (!std::isfinite(s)) return "?";
  int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02}s", t / 60, t % 60);
}

void prepare_out_dir(const RunOptions& opt, bool force) {
  if (opt.out_dir.empty()) throw InputError("--out", "an output folder is required");
  fs::path dir(opt.out_dir);
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError(opt.out_dir, "exists and is not a folder");
    if (!fs::is_empty(dir, ec) && !force)
      throw InputError(opt.out_dir, "output folder exists and is not empty; pass --force to replace its results, "
                                    "or --resume to continue an interrupted run");
    if (force) {
      for (const char* f : {"results.csv", "journal.jsonl", "run.json", "report.html", "summary.md", "compare.html"})
        fs::remove(dir / f, ec);
      fs::remove_all(dir / "figures", ec);
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw InputError(opt.out_dir, "cannot create output folder: " + ec.message());
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
  differ("kind of study", old.value("task", "solve"), now.value("task", "solve"));
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

}  // namespace

Execution decide_execution(const RunOptions& opt, int study_jobs, bool study_isolate, double study_time_limit,
                           int study_threads, std::vector<std::string> isolated_by) {
  if (opt.threads < 0) throw InputError("--threads", "must be >= 0");
  if (opt.jobs < 0) throw InputError("--jobs", "must be >= 1");
  if (opt.resume && opt.force) throw InputError("--resume", "--resume continues a run, --force replaces it: not both");
  Execution ex;
  ex.jobs = opt.jobs > 0 ? opt.jobs : study_jobs;
  ex.isolated_by = std::move(isolated_by);
  ex.isolate = opt.isolate || study_isolate || !ex.isolated_by.empty();
  ex.time_limit_s = opt.time_limit_s >= 0 ? opt.time_limit_s : study_time_limit;
  // Pinned for the whole run and recorded: OpenBLAS switches between one thread and
  // all of them around m*n = 10,000, which would otherwise bend timing curves. Cases
  // running side by side get one thread each.
  ex.threads = opt.threads > 0 ? opt.threads : study_threads;
  if (ex.jobs > 1) ex.threads = 1;
  // [MPI] Under mpirun the ranks are the jobs, one BLAS thread each unless asked, and
  // nothing is forked: a crash ends the job (docs/mpi.md).
  if (mpi::active()) {
    if (opt.jobs > 1 || opt.isolate)
      throw InputError(opt.jobs > 1 ? "--jobs" : "--isolate",
                       "not under mpirun: the ranks run the cases (mpirun -np N), without fork isolation");
    ex.jobs = mpi::size();
    ex.isolate = false;
    ex.threads = opt.threads > 0 ? opt.threads : study_threads > 0 ? study_threads : 1;
  }
  if (ex.threads > 0) set_blas_threads(ex.threads);
  return ex;
}

DriveResult drive(const Drive& d, const Execution& ex, const RunOptions& opt) {
  const exec::Task& task = *d.task;
  exec::Shard shard;
  if (!opt.shard.empty())
    shard = exec::parse_shard(opt.shard, "--shard");
  else if (auto s = exec::shard_from_slurm())
    shard = *s;
  std::vector<std::size_t> planned;
  for (std::size_t i : exec::shard_cases(d.cases.size(), shard)) planned.push_back(d.cases[i]);

  exec::MpiSession mpi_session;  // [MPI] the ranks meet; ranks > 0 compute what rank 0 hands out
  if (mpi_session.follower()) {
    DriveResult r;
    r.follower = true;
    r.interrupted = mpi_session.follow(task, &interrupt_flag()).interrupted;
    return r;
  }

  fs::path dir(opt.out_dir);
  nlohmann::ordered_json meta;
  meta["format_version"] = d.format_version;
  if (d.kind != "solve") meta["task"] = d.kind;
  meta["status"] = "running";
  meta["command"] = opt.command_line;
  meta["start_time"] = now_iso8601();
  meta["end_time"] = nullptr;
  meta["context"] = run_context();
  meta["study"] = d.study;
  meta["filters"] = d.filters;
  nlohmann::ordered_json execution;
  execution["jobs"] = ex.jobs;
  execution["isolate"] = ex.isolate;
  if (ex.isolate && !ex.isolated_by.empty()) execution["isolated_because"] = ex.isolated_by;
  execution["time_limit_s"] = ex.time_limit_s;
  execution["skipped_rows"] = d.keep_skipped;
  execution["shard"] = shard.whole() ? nlohmann::ordered_json(nullptr)
                                     : nlohmann::ordered_json{{"index", shard.index}, {"count", shard.count}};
  execution["cases_planned"] = planned.size();
  if (mpi_session.active()) {  // [MPI]
    execution["mpi"] = mpi_session.context();
    if (!ex.isolated_by.empty()) execution["mpi"]["not_isolated"] = ex.isolated_by;
  }
  meta["execution"] = execution;

  nlohmann::ordered_json resumptions = nlohmann::ordered_json::array();
  // --resume of a run that never wrote its run.json (killed at its very start, or a
  // Slurm requeue script that always passes --resume) starts it.
  const bool resume = opt.resume && fs::exists(dir / "run.json");
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
    prepare_out_dir(opt, opt.force || opt.resume);
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

  DriveResult result;
  auto t0 = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO);
  exec::ExecOptions eopt;
  eopt.jobs = ex.jobs;
  eopt.isolate = ex.isolate;
  eopt.time_limit_s = ex.time_limit_s;
  eopt.interrupted = &interrupt_flag();
  if (opt.progress)
    eopt.progress = [&](std::size_t done, std::size_t total, std::size_t c) {
      double el = seconds_since(t0);
      double eta = el / static_cast<double>(done) * static_cast<double>(total - done);
      std::string line = fmt::format("[{:>5}/{}] {:3.0f}%  elapsed {}  ETA {}  {}", done, total,
                                     100.0 * static_cast<double>(done) / static_cast<double>(total),
                                     format_duration(el), format_duration(eta), d.label ? d.label(c) : "");
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

  meta["status"] = result.interrupted ? "interrupted" : "complete";
  meta["end_time"] = now_iso8601();
  meta["seconds"] = result.seconds;
  meta["execution"]["crashes"] = stats.crashes;
  meta["execution"]["timeouts"] = stats.timeouts;
  meta["execution"]["cases_done"] = results.done().size();
  meta["context"]["blas_threads"] = blas_threads();
  if (d.finish) d.finish(meta, results);
  write_run_json(dir, meta);
  return result;
}

}  // namespace condbench
