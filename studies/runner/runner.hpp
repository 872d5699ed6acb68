// Runs a study: plans its cases (filters, shard, resume), hands them to the
// executor (in-process, a pool of forked children, or MPI ranks), and keeps
// results.csv, journal.jsonl and run.json of the output folder.
#pragma once

#include "studies/runner/results.hpp"
#include "studies/runner/study.hpp"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace condbench {

struct RunOptions {
  std::string out_dir;
  bool force = false;           // replace an existing, non-empty output folder
  bool resume = false;          // continue the interrupted run in out_dir
  int threads = 0;              // BLAS threads; 0 = the study's, else OpenBLAS's default
  int jobs = 0;                 // cases at once; 0 = the study's (default 1)
  bool isolate = false;         // run cases in forked children (a crash is a failed row)
  double time_limit_s = -1;     // per solver row in isolated runs; < 0 = the study's
  bool keep_skipped = false;    // write "skipped" rows (default: counted in run.json)
  std::string shard;            // "I/N": run every N-th case from the I-th (empty: SLURM_ARRAY_* or all)
  std::string case_filter;      // run only this case id (empty: all)
  std::string solver_filter;    // run only solvers matching this pattern (empty: all of the study)
  std::string precision_filter; // "f32" / "f64" (empty: all of the study)
  bool progress = true;         // progress and ETA on stderr
  std::string command_line;     // recorded in run.json
};

struct RunResult {
  std::vector<ResultRow> rows;  // every row of results.csv (earlier sessions of a resumed run included)
  bool interrupted = false;
  double seconds = 0;
  int crashes = 0, timeouts = 0;
  std::size_t skipped_rows = 0;  // counted, not written (run.json "skipped")
};

// Throws InputError before writing anything when the options or folder are bad.
RunResult run_study(const Study& study, const RunOptions& opt);

// All (problem spec, seed) pairs of a study, or the one whose case id is `case_id`
// (InputError when none has it). Regenerate with spec->generator->generate(spec->params,
// spec->m, spec->n, seed).
std::vector<std::pair<const ProblemSpec*, std::uint64_t>> select_cases(const Study& study, const std::string& case_id);

// Set by SIGINT/SIGTERM: the runner stops and keeps what it has.
void install_interrupt_handler();
const std::atomic<bool>& interrupt_flag();

}  // namespace condbench
