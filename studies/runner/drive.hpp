// What every kind of study shares when it runs (linear solves, layer chains): the
// output folder, run.json, resume, shards, how cases are executed (in this process,
// forked children, MPI ranks), progress, and the final sort. A study kind supplies its
// executor Task, its block of run.json and what to add to run.json at the end.
#pragma once

#include "studies/execution/results_file.hpp"
#include "studies/execution/task.hpp"
#include "studies/runner/runner.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace condbench {

// How the cases will run, from the options and the study's own keys.
struct Execution {
  int jobs = 1;                            // cases at once: forked children, or MPI ranks
  bool isolate = false;                    // forked children even with one job
  double time_limit_s = 0;                 // per unit, in children
  int threads = 0;                         // BLAS threads pinned (0: OpenBLAS's default)
  std::vector<std::string> isolated_by;    // solvers that asked for isolation
};

// Decides (and pins the BLAS threads): --jobs > 1 gets one BLAS thread per case; under
// mpirun the ranks are the jobs and nothing forks. InputError for impossible options.
Execution decide_execution(const RunOptions& opt, int study_jobs, bool study_isolate, double study_time_limit,
                           int study_threads, std::vector<std::string> isolated_by);

struct Drive {
  const exec::Task* task = nullptr;
  std::vector<std::size_t> cases;        // after --case: indices into the task
  std::string kind = "solve";            // run.json "task"
  int format_version = 0;                // run.json "format_version"
  nlohmann::ordered_json study;          // run.json "study" (text and solver_names are checked on resume)
  nlohmann::ordered_json filters;        // run.json "filters" (checked on resume)
  bool keep_skipped = false;             // run.json execution.skipped_rows (checked on resume)
  std::function<std::string(std::size_t case_index)> label;  // for the progress line
  // Adds what the run found to run.json at the end (rows, skip summary, fits), from
  // the results file (every row of every session of a resumed run).
  std::function<void(nlohmann::ordered_json& meta, const exec::ResultsFile& results)> finish;
};

struct DriveResult {
  bool interrupted = false;
  bool follower = false;  // an MPI rank other than 0: it wrote nothing
  double seconds = 0;
  int crashes = 0, timeouts = 0;
};

DriveResult drive(const Drive& d, const Execution& ex, const RunOptions& opt);

}  // namespace condbench
