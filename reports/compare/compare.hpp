// condbench compare RUN_A RUN_B: the change in error and in time per
// solver x precision x problem x kappa range, with a verdict that accounts for the
// spread across seeds and repetitions.
#pragma once

#include "reports/common/run_data.hpp"
#include "reports/report/assets.hpp"

#include <map>
#include <string>
#include <vector>

namespace condbench::compare {

struct Options {
  // A change smaller than these factors is "same" whatever the statistics say.
  double error_factor = 2.0;
  double time_factor = 1.10;
  int kappa_width = 2;  // decades per kappa range
  // Solver names of run B renamed before pairing (CPU against GPU: cusolver.lu=lapack.lu).
  std::map<std::string, std::string> solver_map;
};

enum class Verdict { better, same, worse };
const char* to_string(Verdict v);

struct Row {
  std::string solver, precision, problem;
  int kappa_bin = 0;
  int pairs = 0;            // rows in both runs
  int ok_pairs = 0;         // ok in both, with a finite error
  int newly_failed = 0;     // ok in A, failed in B
  int newly_ok = 0;         // failed in A, ok in B
  double error_a = 0, error_b = 0;  // median forward error of the pairs ok in both
  double error_change = 1;          // median of error_b / error_a per pair (errors floored at u)
  Verdict error_verdict = Verdict::same;
  double time_a = 0, time_b = 0;    // median time
  double time_change = 1;           // median of time_b / time_a per pair
  Verdict time_verdict = Verdict::same;
  // Pairs with a row timed while other cases ran beside it (jobs > 1 in A or B): their
  // times are not the machine's own, so the group gets no time verdict.
  int contended_pairs = 0;
};

struct Comparison {
  std::vector<Row> rows;
  int matched = 0, only_a = 0, only_b = 0;
  Options options;
};

// Throws InputError when the runs have no case x solver x precision in common.
Comparison compare_runs(const RunData& a, const RunData& b, const Options& opt);

// The verdict on paired log10 ratios: a change is real when the median exceeds both
// the threshold log10(factor) and twice its robust standard error over the pairs
// (1.4826 * MAD / sqrt(pairs): the spread across seeds); `noise` widens the threshold
// (the repetitions' own spread, for times). One pair: the threshold alone decides.
Verdict judge(const std::vector<double>& log_ratios, double factor, double noise = 0);

std::string markdown(const Comparison& c, const RunData& a, const RunData& b);
std::string html(const Comparison& c, const RunData& a, const RunData& b, const report::WebAssets& assets);

}  // namespace condbench::compare
