// Golden files of the harness itself: the results.csv of a small study with the
// timing columns blanked, plus the platform it was made on.
//
// What is compared, and how (README "Regression testing"):
// - identity and outcome (case id, solver, precision, status, reason, note, iterations,
//   fallback, kappa_nominal, ...): exactly, everywhere;
// - computed figures (kappa, errors, residual ratios, ref_error): to a relative 1e-12,
//   and only on the platform of the golden file (same CPU, OpenBLAS build and kernel,
//   compiler, build type). There the run is deterministic and reproduces every bit;
//   the 1e-12 is slack for nothing but the last printed digit. On another platform the
//   generator's QR and the solvers run other BLAS kernels, the problems and
//   solutions differ by rounding, and errors near u move by O(1) relative: no fixed
//   tolerance is both tight and honest there, so the figures are skipped (and said so);
//   `condbench regress` is the cross-platform accuracy check.
#pragma once

#include "studies/runner/results.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace condbench::regress {

// The columns blanked in golden files: they measure the machine, not the harness.
const std::vector<std::string>& timing_columns();

// results.csv text with the timing columns emptied.
std::string blank_timings(const std::string& results_csv_text);

// What must match for the figures to be compared bit for bit.
nlohmann::ordered_json platform_fingerprint(const nlohmann::ordered_json& run_context);

struct GoldenDiff {
  std::vector<std::string> differences;  // "row 3 (case, solver, f64): forward_error 1.2e-15 != 1.3e-15"
  bool figures_compared = false;
};

// Rows in the same order; figures compared when compare_figures.
GoldenDiff compare_golden(const std::vector<ResultRow>& expected, const std::vector<ResultRow>& actual,
                          bool compare_figures, double rel_tol = 1e-12);

}  // namespace condbench::regress
