// One results row per case x solver x precision, the CSV format, and the summary.
#pragma once

#include "solvers/solver.hpp"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace condbench {

// Format 2 added kappa_method, ref_method, facts, gflops and jobs; format 1 files
// are still read (those columns then read as empty, NaN and 1).
inline constexpr int kResultsFormatVersion = 2;

struct ResultRow {
  std::string case_id, generator, problem, kind;
  int m = 0, n = 0;
  std::uint64_t seed = 0;
  std::string precision, solver, status, reason;
  double kappa_nominal = 0, kappa = 0;
  bool kappa_certified = false;
  std::string kappa_method;  // how kappa was measured and certified
  double forward_error = 0, forward_error_inf = 0, backward_error = 0, componentwise_backward_error = 0;
  double residual_ratio = 0, ls_residual_ratio = 0, error_vs_true = 0, residual_norm = 0;
  double ref_error = 0;
  bool ref_converged = false;
  std::string ref_method;    // how the reference was computed
  int iterations = -1;
  bool fallback = false;
  std::string note;
  std::string facts = "{}";  // the solver's own facts, a compact JSON object (SolverFacts::extra)
  double time_s = 0, factor_s = 0, solve_s = 0, transfer_s = 0, time_spread = 0;
  int repetitions = 0;
  double gflops = 0;         // flop model of solvers/flops.hpp over factor_s + solve_s; NaN without one
  int jobs = 1;              // cases running at once when this row was timed (1: the machine to itself)
  double ref_time_s = 0, kappa_time_s = 0;
};

// The CSV header line (no preamble: the first line is the header).
const std::vector<std::string>& result_columns();

// One row as CSV fields, in result_columns() order, and as one CSV line.
std::vector<std::string> row_fields(const ResultRow& r);
std::string format_row(const ResultRow& r);

// Parses results.csv text (header first; RFC 4180, see csv.hpp); `where` names it in
// messages. Columns are found by name, so their order and extra columns do not matter;
// a missing column is named beside the columns the file has.
std::vector<ResultRow> parse_results_csv(const std::string& text, const std::string& where);

// Appends rows to results.csv, flushing each so an interrupted run keeps them.
class CsvWriter {
 public:
  // append: continue an existing file (resume) instead of starting with a header.
  explicit CsvWriter(const std::string& path, bool append = false);
  void write(const ResultRow& r);
  void write_text(const std::string& lines);  // already formatted rows
  // Bytes written so far (the file's size): a resume point.
  std::uint64_t offset();

 private:
  std::ofstream out_;
};

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
