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

const std::vector<std::string>& outcome_fields() {
  static const std::vector<std::string> f{"status",        "reason",     "note",           "iterations",
                                          "fallback",      "facts",      "ref_converged",  "kappa_certified",
                                          "kappa_method",  "ref_method"};
  return f;
}

std::string outcome_value(const ResultRow& r, const std::string& field) {
  auto b = [](bool x) { return std::string(x ? "true" : "false"); };
  if (field == "status") return r.status;
  if (field == "reason") return r.reason;
  if (field == "note") return r.note;
  if (field == "iterations") return std::to_string(r.iterations);
  if (field == "fallback") return b(r.fallback);
  if (field == "facts") return r.facts;
  if (field == "ref_converged") return b(r.ref_converged);
  if (field == "kappa_certified") return b(r.kappa_certified);
  if (field == "kappa_method") return r.kappa_method;
  if (field == "ref_method") return r.ref_method;
  throw std::logic_error("no outcome field " + field);
}

nlohmann::ordered_json RoundingBound::to_json(const std::vector<ResultRow>& golden) const {
  nlohmann::ordered_json j;
  j["kernels"] = kernels;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::map<std::size_t, nlohmann::ordered_json> rows;
  for (const auto& [key, vals] : values) rows[key.first][key.second] = std::vector<std::string>(vals.begin(), vals.end());
  for (const auto& [i, fields] : rows) {
    const ResultRow& r = golden.at(i);
    list.push_back({{"row", i + 1}, {"case_id", r.case_id}, {"solver", r.solver}, {"precision", r.precision},
                    {"fields", fields}});
  }
  j["rounding_bound"] = list;
  return j;
}

RoundingBound RoundingBound::from_json(const nlohmann::ordered_json& j) {
  RoundingBound rb;
  rb.kernels = j.value("kernels", std::vector<std::string>{});
  for (const auto& e : j.value("rounding_bound", nlohmann::ordered_json::array())) {
    const std::size_t row = e.at("row").get<std::size_t>() - 1;
    for (const auto& [field, vals] : e.at("fields").items())
      for (const auto& v : vals) rb.values[{row, field}].insert(v.get<std::string>());
  }
  return rb;
}

RoundingBound find_rounding_bound(const std::vector<ResultRow>& golden,
                                  const std::map<std::string, std::vector<ResultRow>>& by_kernel) {
  RoundingBound rb;
  for (const auto& [kernel, rows] : by_kernel) {
    rb.kernels.push_back(kernel);
    for (std::size_t i = 0; i < golden.size() && i < rows.size(); ++i)
      for (const auto& f : outcome_fields()) {
        const std::string g = outcome_value(golden[i], f), k = outcome_value(rows[i], f);
        if (g != k) {
          rb.values[{i, f}].insert(g);
          rb.values[{i, f}].insert(k);
        }
      }
  }
  // A field that varied on one kernel varies: record every kernel's value for it.
  for (auto& [key, vals] : rb.values)
    for (const auto& [kernel, rows] : by_kernel)
      if (key.first < rows.size()) vals.insert(outcome_value(rows[key.first], key.second));
  return rb;
}

GoldenDiff compare_golden(const std::vector<ResultRow>& expected, const std::vector<ResultRow>& actual,
                          bool same_platform, const RoundingBound& rounding, double rel_tol) {
  GoldenDiff d;
  d.figures_compared = same_platform;
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
    exact("repetitions", e.repetitions, a.repetitions);
    figure("kappa_nominal", e.kappa_nominal, a.kappa_nominal);
    for (const auto& f : outcome_fields()) {
      const std::string x = outcome_value(e, f), y = outcome_value(a, f);
      auto it = rounding.values.find({i, f});
      if (it == rounding.values.end() || same_platform) {
        if (x != y) d.differences.push_back(fmt::format("{}: {} '{}' != golden '{}'", where, f, y, x));
      } else if (!it->second.count(y)) {
        std::string seen;
        for (const auto& v : it->second) seen += (seen.empty() ? "'" : "', '") + v;
        d.differences.push_back(fmt::format("{}: {} '{}' is none of the values the OpenBLAS kernels gave ({}') for "
                                            "this rounding-bound outcome",
                                            where, f, y, seen));
      }
    }
    if (!same_platform) continue;
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
