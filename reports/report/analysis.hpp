// What a report says about a run's rows: correct digits, the fitted slope of
// log error against log kappa, the kappa where a solver stops giving a correct
// digit, and digits per kappa range. Shared by the report and by compare.
#pragma once

#include "studies/runner/results.hpp"

#include <optional>
#include <string>
#include <vector>

namespace condbench::report {

// Unit roundoff of a precision name (f32, f64, f16, bf16, tf32); NaN if unknown.
double unit_roundoff(const std::string& precision);

// Correct significant digits of a relative error: -log10(fe) clipped to [0, -log10(u)].
double correct_digits(double fe, double u);

// A relative error below 0.1 still carries one correct digit; at or above it, none.
inline constexpr double kNoDigitError = 0.1;
// The slope fit keeps errors above this many u: below, rounding noise of the floor dominates.
inline constexpr double kFloorFactor = 10.0;

// The kappa a row is plotted at: the measured one, or the nominal one where the
// measurement is missing (a failed reference).
double plot_kappa(const ResultRow& r);

// Kappa ranges of `width` decades: index floor(log10(kappa) / width), and its label "1e4–1e6".
int kappa_bin(double kappa, int width);
std::string kappa_bin_label(int bin, int width);

// Least-squares fit of log10(fe) = slope * log10(kappa) + intercept over the ok rows with
// kFloorFactor*u < fe < kNoDigitError (above the u floor, still one correct digit) and
// kappa >= 1. Needs 3 such rows spanning at least one decade of kappa.
struct SlopeFit {
  int points = 0;
  double slope = 0, intercept = 0;
  double kappa_lo = 0, kappa_hi = 0;  // the kappa range the fit used
};
std::optional<SlopeFit> fit_slope(const std::vector<const ResultRow*>& rows, double u);

// The smallest measured kappa of the first decade of kappa in which most solves
// (ok or failed, not skipped) give no correct digit (fe >= kNoDigitError, NaN, or
// failed). nullopt when no decade does.
std::optional<double> kappa_no_digit(const std::vector<const ResultRow*>& rows);

// One line per solver x problem x precision.
struct GroupSummary {
  std::string solver, problem, precision;
  int ok = 0, failed = 0, skipped = 0;
  std::optional<SlopeFit> fit;
  std::optional<double> kappa_lost;
  double kappa_max = 0;  // the largest kappa the group reached
};
std::vector<GroupSummary> summarize_groups(const std::vector<ResultRow>& rows);

// Median correct digits per solver x problem (rows) and kappa range (columns), one
// table per precision. A cell is empty (no rows), a number, or all-failed.
struct DigitsCell {
  int ok = 0, failed = 0;
  double median_digits = 0;  // over the ok rows
};
struct DigitsTable {
  std::string precision;
  int width = 2;                // decades per column
  std::vector<int> bins;        // column bins, ascending
  std::vector<std::string> row_labels;  // "solver · problem"
  std::vector<std::vector<std::optional<DigitsCell>>> cells;  // [row][column]
};
std::vector<DigitsTable> digits_tables(const std::vector<ResultRow>& rows, int width = 2);

double median(std::vector<double> v);

}  // namespace condbench::report
