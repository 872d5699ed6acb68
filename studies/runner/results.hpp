// One results row per case x solver x precision, the CSV format, and the summary.
#pragma once

#include "solvers/solver.hpp"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace condbench {

inline constexpr int kResultsFormatVersion = 1;

struct ResultRow {
  std::string case_id, generator, problem, kind;
  int m = 0, n = 0;
  std::uint64_t seed = 0;
  std::string precision, solver, status, reason;
  double kappa_nominal = 0, kappa = 0;
  bool kappa_certified = false;
  double forward_error = 0, forward_error_inf = 0, backward_error = 0, componentwise_backward_error = 0;
  double residual_ratio = 0, ls_residual_ratio = 0, error_vs_true = 0, residual_norm = 0;
  double ref_error = 0;
  bool ref_converged = false;
  int iterations = -1;
  bool fallback = false;
  std::string note;
  double time_s = 0, factor_s = 0, solve_s = 0, transfer_s = 0, time_spread = 0;
  int repetitions = 0;
  double ref_time_s = 0, kappa_time_s = 0;
};

// The CSV header line (no preamble: the first line is the header).
const std::vector<std::string>& result_columns();

// Appends rows to results.csv, flushing each so an interrupted run keeps them.
class CsvWriter {
 public:
  explicit CsvWriter(const std::string& path);
  void write(const ResultRow& r);

 private:
  std::ofstream out_;
};

std::string csv_escape(const std::string& s);
std::string format_double(double v);  // 17 significant digits, nan/inf spelled out

// Per solver x precision: rows, ok, failed, skipped, median digits, worst fe/(u kappa).
struct SummaryLine {
  std::string solver, precision;
  int ok = 0, failed = 0, skipped = 0;
  double median_digits = 0;
  double worst_fe_over_ukappa = 0;
  std::string worst_case;
};
std::vector<SummaryLine> summarize(const std::vector<ResultRow>& rows);
std::string format_summary(const std::vector<SummaryLine>& lines);

// Fitted exponent p of time ~ c n^p per solver x precision x kind, by least squares
// on log(median time) against log(n) over the larger half of the sizes (n at or above
// the median size), where fixed overheads no longer dominate. Needs 3 sizes or more.
struct TimeExponent {
  std::string solver, precision, kind;
  double exponent = 0;
  int n_min = 0, n_max = 0, sizes = 0;
};
std::vector<TimeExponent> fit_time_exponents(const std::vector<ResultRow>& rows);
std::string format_time_exponents(const std::vector<TimeExponent>& fits);

}  // namespace condbench
