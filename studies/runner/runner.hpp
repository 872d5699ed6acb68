// Runs a study: generate each case, store it in each precision, measure kappa and
// the reference of the stored problem, run every solver, write one row each.
#pragma once

#include "studies/runner/results.hpp"
#include "studies/runner/study.hpp"

#include <functional>
#include <string>
#include <vector>

namespace condbench {

struct RunOptions {
  std::string out_dir;
  bool force = false;           // replace an existing, non-empty output folder
  int threads = 0;              // BLAS threads; 0 = leave OpenBLAS's default
  std::string case_filter;      // run only this case id (empty: all)
  std::string solver_filter;    // run only solvers matching this pattern (empty: all of the study)
  std::string precision_filter; // "f32" / "f64" (empty: all of the study)
  bool progress = true;         // progress and ETA on stderr
  std::string command_line;     // recorded in run.json
};

struct RunResult {
  std::vector<ResultRow> rows;
  bool interrupted = false;
  double seconds = 0;
};

// Throws InputError before writing anything when the options or folder are bad.
RunResult run_study(const Study& study, const RunOptions& opt);

// All (problem spec, seed) pairs of a study, or the one whose case id is `case_id`
// (InputError when none has it). Regenerate with spec->generator->generate(spec->params,
// spec->m, spec->n, seed).
std::vector<std::pair<const ProblemSpec*, std::uint64_t>> select_cases(const Study& study, const std::string& case_id);

// Set by SIGINT/SIGTERM: the runner stops after the current row and keeps what it has.
void install_interrupt_handler();

}  // namespace condbench
