// Running chain studies.
//
// run_chain_case is the entry point for an executor: pure and deterministic (the timing
// columns aside) for one chain spec and seed, all its precisions and methods; it assumes
// OpenBLAS pinned to one thread (orthogonal weights and the methods' LAPACK calls give
// other bits with more threads), as run_chain_study does for the whole run.
//
// run_chain_study is a small sequential driver writing results.csv (chain_results.hpp)
// and run.json (the run context of studies/runner/context.hpp) into the output folder.
#pragma once

#include "studies/chains/chain_results.hpp"
#include "studies/chains/chain_study.hpp"
#include "studies/runner/runner.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace condbench::chains {

struct ChainCaseOptions {
  std::string method_filter;     // a method name or "chain.*" (empty: every method of the spec)
  std::string precision_filter;  // "f32", "f64" (empty: every precision of the spec)
};

std::vector<ChainRow> run_chain_case(const ChainSpec& spec, std::uint64_t seed, const ChainCaseOptions& opt = {});

struct ChainRunResult {
  std::vector<ChainRow> rows;
  bool interrupted = false;
  double seconds = 0;
};

// Uses opt.out_dir, force, case_filter, solver_filter (as the method filter),
// precision_filter, progress and command_line; BLAS runs on one thread. Throws
// InputError before writing anything when an option or the folder is bad.
ChainRunResult run_chain_study(const ChainStudy& study, const RunOptions& opt);

// Set by SIGINT/SIGTERM: the driver stops after the current case and keeps its rows.
void install_chain_interrupt_handler();

// A run folder written by run_chain_study (run.json says task = "chain", or results.csv
// starts with the column task).
bool is_chain_run(const std::string& dir);

// Per method and precision: rows ok/failed, and the median error of the main quantities
// against a finite, nonzero reference (relative; for log10 kappa in decades); for the
// terminal after a run.
std::string format_chain_summary(const std::vector<ChainRow>& rows);

}  // namespace condbench::chains
