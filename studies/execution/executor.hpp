// Runs the cases of a task and collects their records into the results file.
//
// In-process: one case after another, records written as they come (the default).
// Process pool (--jobs N > 1, --isolate, or a solver that asks for isolation):
// N forked children run cases handed out one at a time from a queue; a child that
// crashes (a signal, an abort) or hangs past the time limit in a unit becomes a
// failed record for that unit ("crashed: SIGSEGV in plugin.lu f64", "timeout after
// 60 s in worker.solve f32"), a fresh child continues the case from the next unit,
// and the study goes on. Each complete case is written whole; records are in the
// order cases complete and sorted by case at the end (ResultsFile::sort_by_case).
#pragma once

#include "studies/execution/results_file.hpp"
#include "studies/execution/task.hpp"

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace condbench::exec {

struct ExecOptions {
  int jobs = 1;              // cases at once (child processes when > 1)
  bool isolate = false;      // run cases in forked children even with one job
  double time_limit_s = 0;   // per unit (one solver's row), in children only; 0 = none
  const std::atomic<bool>* interrupted = nullptr;  // set by SIGINT/SIGTERM
  // Called after each complete case: cases done in this session, cases planned.
  std::function<void(std::size_t done, std::size_t total, std::size_t case_index)> progress;
};

struct ExecStats {
  bool interrupted = false;
  int crashes = 0;   // units that crashed in a child
  int timeouts = 0;  // units killed at the time limit
};

// Runs `cases` (indices into the task, in this order) and writes them to `out`.
ExecStats execute(const Task& task, const std::vector<std::size_t>& cases, ResultsFile& out, const ExecOptions& opt);

// "SIGSEGV", "SIGABRT", ... for a signal number.
std::string signal_name(int sig);

}  // namespace condbench::exec
