// Golden files of the harness itself: the results.csv of a small study with the
// timing columns blanked, the platform it was made on, and which outcomes turned out
// to be rounding-bound when the study was rerun on every OpenBLAS kernel this CPU can
// run (tests/golden/tiny.kernels.json).
//
// What is compared, and how (docs/regression.md "Golden tests"):
// - identity (case id, generator, problem, kind, shape, seed, precision, solver,
//   repetitions, nominal kappa): exactly, everywhere. A changed case list or solver
//   set fails on every machine.
// - outcome (status, reason, note, iterations, fallback, facts, ref_converged,
//   kappa_certified, kappa_method, ref_method): exactly, everywhere, except where it is
//   rounding-bound: a field of a row whose value differed between OpenBLAS kernels at
//   regeneration (a refinement's iteration count, a convergence decided by a threshold
//   near rounding). Such a field must equal the golden value on the golden platform
//   and be one of the values the kernels gave elsewhere.
// - computed figures (kappa, errors, residual ratios, ref_error): to a relative 1e-12,
//   on the golden platform only (same CPU, OpenBLAS build and kernel, compiler, build
//   type), where the run reproduces every bit. Elsewhere the generator's QR and the
//   solvers run other kernels and errors near u move by O(1) relative: no fixed
//   tolerance is both tight and honest there; `condbench regress` is the cross-platform
//   accuracy check.
#pragma once

#include "studies/runner/results.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace condbench::regress {

// The columns blanked in golden files: they measure the machine, not the harness.
const std::vector<std::string>& timing_columns();

// results.csv text with the timing columns emptied.
std::string blank_timings(const std::string& results_csv_text);

// What must match for the figures to be compared bit for bit.
nlohmann::ordered_json platform_fingerprint(const nlohmann::ordered_json& run_context);

// The outcome fields of a row by name, as text.
const std::vector<std::string>& outcome_fields();
std::string outcome_value(const ResultRow& r, const std::string& field);

// Rounding-bound outcomes: (row index, field) -> the values seen across kernels.
struct RoundingBound {
  std::vector<std::string> kernels;  // the OpenBLAS kernels the study was run on
  std::map<std::pair<std::size_t, std::string>, std::set<std::string>> values;

  nlohmann::ordered_json to_json(const std::vector<ResultRow>& golden) const;
  static RoundingBound from_json(const nlohmann::ordered_json& j);
};

// Compares the runs of the same study on several kernels with the golden run: every
// outcome field that differs anywhere is rounding-bound. Rows are matched by position
// (identity must agree; InputError-free: mismatched identities are reported by
// compare_golden, not here).
RoundingBound find_rounding_bound(const std::vector<ResultRow>& golden,
                                  const std::map<std::string, std::vector<ResultRow>>& by_kernel);

struct GoldenDiff {
  std::vector<std::string> differences;  // "row 3 (case, solver, f64): forward_error 1.2e-15 != 1.3e-15"
  bool figures_compared = false;
};

// Rows in the same order; figures and rounding-bound outcomes compared exactly when
// same_platform.
GoldenDiff compare_golden(const std::vector<ResultRow>& expected, const std::vector<ResultRow>& actual,
                          bool same_platform, const RoundingBound& rounding = {}, double rel_tol = 1e-12);

}  // namespace condbench::regress
