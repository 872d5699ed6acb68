#include "reports/regress/golden.hpp"

#include "studies/runner/csv.hpp"
#include "studies/runner/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace condbench::regress {
namespace {

bool same_figure(double a, double b, double rel_tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::abs(a - b) <= rel_tol * std::max(std::abs(a), std::abs(b));
}

}  // namespace

const std::vector<std::string>& timing_columns() {
  static const std::vector<std::string> cols{"time_s",      "factor_s",   "solve_s",     "transfer_s",
                                             "time_spread", "gflops",     "ref_time_s", "kappa_time_s"};
  return cols;
}

std::string blank_timings(const std::string& text) {
  std::vector<csv::Record> records = csv::parse(text, "results.csv");
  std::string out;
  std::vector<bool> blank;
  for (std::size_t k = 0; k < records.size(); ++k) {
    std::vector<std::string>& cells = records[k].fields;
    if (k == 0) {
      for (const auto& c : cells)
        blank.push_back(std::find(timing_columns().begin(), timing_columns().end(), c) != timing_columns().end());
    } else {
      for (std::size_t i = 0; i < cells.size() && i < blank.size(); ++i)
        if (blank[i]) cells[i].clear();
    }
    out += csv::join(cells);
  }
  return out;
}

nlohmann::ordered_json platform_fingerprint(const nlohmann::ordered_json& c) {
  nlohmann::ordered_json f;
  for (const char* key : {"cpu", "blas_config", "lapack_version", "compiler", "build_type"})
    f[key] = c.value(key, nlohmann::ordered_json(nullptr));
  return f;
}

GoldenDiff compare_golden(const std::vector<ResultRow>& expected, const std::vector<ResultRow>& actual,
                          bool compare_figures, double rel_tol) {
  GoldenDiff d;
  d.figures_compared = compare_figures;
  if (expected.size() != actual.size())
    d.differences.push_back(fmt::format("{} rows, golden file has {}", actual.size(), expected.size()));
  std::size_t n = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i < n; ++i) {
    const ResultRow& e = expected[i];
    const ResultRow& a = actual[i];
    std::string where = fmt::format("row {} ({}, {}, {})", i + 1, e.case_id, e.solver, e.precision);
    auto exact = [&](const char* name, const auto& x, const auto& y) {
      if (!(x == y)) d.differences.push_back(fmt::format("{}: {} '{}' != golden '{}'", where, name, y, x));
    };
    auto figure = [&](const char* name, double x, double y) {
      if (!same_figure(x, y, rel_tol))
        d.differences.push_back(fmt::format("{}: {} {} != golden {}", where, name, format_double(y), format_double(x)));
    };
    exact("case_id", e.case_id, a.case_id);
    exact("generator", e.generator, a.generator);
    exact("problem", e.problem, a.problem);
    exact("kind", e.kind, a.kind);
    exact("m", e.m, a.m);
    exact("n", e.n, a.n);
    exact("seed", e.seed, a.seed);
    exact("precision", e.precision, a.precision);
    exact("solver", e.solver, a.solver);
    exact("status", e.status, a.status);
    exact("reason", e.reason, a.reason);
    exact("note", e.note, a.note);
    exact("iterations", e.iterations, a.iterations);
    exact("fallback", e.fallback, a.fallback);
    exact("repetitions", e.repetitions, a.repetitions);
    exact("ref_converged", e.ref_converged, a.ref_converged);
    figure("kappa_nominal", e.kappa_nominal, a.kappa_nominal);
    if (!compare_figures) continue;
    exact("kappa_certified", e.kappa_certified, a.kappa_certified);
    figure("kappa", e.kappa, a.kappa);
    figure("forward_error", e.forward_error, a.forward_error);
    figure("forward_error_inf", e.forward_error_inf, a.forward_error_inf);
    figure("backward_error", e.backward_error, a.backward_error);
    figure("componentwise_backward_error", e.componentwise_backward_error, a.componentwise_backward_error);
    figure("residual_ratio", e.residual_ratio, a.residual_ratio);
    figure("ls_residual_ratio", e.ls_residual_ratio, a.ls_residual_ratio);
    figure("error_vs_true", e.error_vs_true, a.error_vs_true);
    figure("residual_norm", e.residual_norm, a.residual_norm);
    figure("ref_error", e.ref_error, a.ref_error);
  }
  return d;
}

}  // namespace condbench::regress
