#include "studies/runner/results.hpp"

#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace condbench {

const std::vector<std::string>& result_columns() {
  static const std::vector<std::string> cols{
      "case_id", "generator", "problem", "kind", "m", "n", "seed", "precision", "solver", "status", "reason",
      "kappa_nominal", "kappa", "kappa_certified", "forward_error", "forward_error_inf", "backward_error",
      "componentwise_backward_error", "residual_ratio", "ls_residual_ratio", "error_vs_true", "residual_norm", "ref_error",
      "ref_converged", "iterations", "fallback", "note", "time_s", "factor_s", "solve_s", "transfer_s", "time_spread",
      "repetitions", "ref_time_s", "kappa_time_s"};
  return cols;
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return o + "\"";
}

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.17g}", v);
}

CsvWriter::CsvWriter(const std::string& path) : out_(path, std::ios::out | std::ios::trunc) {
  if (!out_) throw InputError(path, "cannot create results file");
  const auto& cols = result_columns();
  for (std::size_t i = 0; i < cols.size(); ++i) out_ << (i ? "," : "") << cols[i];
  out_ << '\n';
  out_.flush();
}

void CsvWriter::write(const ResultRow& r) {
  auto d = format_double;
  auto b = [](bool x) { return std::string(x ? "true" : "false"); };
  std::vector<std::string> f{csv_escape(r.case_id), r.generator, r.problem, r.kind, std::to_string(r.m),
                             std::to_string(r.n), std::to_string(r.seed), r.precision, r.solver, r.status,
                             csv_escape(r.reason), d(r.kappa_nominal), d(r.kappa), b(r.kappa_certified),
                             d(r.forward_error), d(r.forward_error_inf), d(r.backward_error),
                             d(r.componentwise_backward_error), d(r.residual_ratio), d(r.ls_residual_ratio),
                             d(r.error_vs_true), d(r.residual_norm), d(r.ref_error), b(r.ref_converged), std::to_string(r.iterations),
                             b(r.fallback), csv_escape(r.note), d(r.time_s), d(r.factor_s), d(r.solve_s), d(r.transfer_s),
                             d(r.time_spread), std::to_string(r.repetitions), d(r.ref_time_s), d(r.kappa_time_s)};
  for (std::size_t i = 0; i < f.size(); ++i) out_ << (i ? "," : "") << f[i];
  out_ << '\n';
  out_.flush();
}

std::vector<SummaryLine> summarize(const std::vector<ResultRow>& rows) {
  std::map<std::pair<std::string, std::string>, std::vector<const ResultRow*>> groups;
  for (const auto& r : rows) groups[{r.solver, r.precision}].push_back(&r);
  std::vector<SummaryLine> out;
  for (const auto& [key, rs] : groups) {
    SummaryLine s;
    s.solver = key.first;
    s.precision = key.second;
    std::vector<double> digits;
    for (const ResultRow* r : rs) {
      if (r->status == "skipped") { ++s.skipped; continue; }
      if (r->status == "failed") { ++s.failed; continue; }
      ++s.ok;
      double fe = r->forward_error;
      digits.push_back(std::isfinite(fe) ? std::max(0.0, -std::log10(std::max(fe, 1e-300))) : 0.0);
      double u = r->precision == "f32" ? 0x1p-24 : 0x1p-53;
      double ratio = fe / (u * std::max(1.0, r->kappa));
      if (std::isfinite(ratio) && ratio > s.worst_fe_over_ukappa) {
        s.worst_fe_over_ukappa = ratio;
        s.worst_case = r->case_id;
      }
    }
    if (!digits.empty()) {
      std::sort(digits.begin(), digits.end());
      std::size_t k = digits.size();
      s.median_digits = k % 2 ? digits[k / 2] : 0.5 * (digits[k / 2 - 1] + digits[k / 2]);
    } else {
      s.median_digits = std::nan("");
    }
    out.push_back(s);
  }
  return out;
}

std::string format_summary(const std::vector<SummaryLine>& lines) {
  std::string s = fmt::format("{:<28} {:<4} {:>5} {:>6} {:>7} {:>13} {:>16}\n", "solver", "prec", "ok", "failed",
                              "skipped", "median digits", "worst fe/(u*k)");
  for (const auto& l : lines) {
    if (l.ok == 0 && l.failed == 0) continue;  // skipped everywhere: not worth a line
    s += fmt::format("{:<28} {:<4} {:>5} {:>6} {:>7} {:>13} {:>16}\n", l.solver, l.precision, l.ok, l.failed,
                     l.skipped, std::isnan(l.median_digits) ? "-" : fmt::format("{:.1f}", l.median_digits),
                     l.ok ? fmt::format("{:.3g}", l.worst_fe_over_ukappa) : "-");
  }
  return s;
}

std::vector<TimeExponent> fit_time_exponents(const std::vector<ResultRow>& rows) {
  // (solver, precision, kind) -> n -> times of ok rows
  std::map<std::tuple<std::string, std::string, std::string>, std::map<int, std::vector<double>>> groups;
  for (const auto& r : rows)
    if (r.status == "ok" && std::isfinite(r.time_s) && r.time_s > 0)
      groups[{r.solver, r.precision, r.kind}][r.n].push_back(r.time_s);
  std::vector<TimeExponent> out;
  for (auto& [key, by_n] : groups) {
    if (by_n.size() < 3) continue;
    std::vector<int> ns;
    for (const auto& [n, _] : by_n) ns.push_back(n);
    int n_cut = ns[(ns.size() - 1) / 2];
    std::vector<double> xs, ys;
    for (auto& [n, ts] : by_n) {
      if (n < n_cut) continue;
      std::sort(ts.begin(), ts.end());
      double med = ts.size() % 2 ? ts[ts.size() / 2] : 0.5 * (ts[ts.size() / 2 - 1] + ts[ts.size() / 2]);
      xs.push_back(std::log(static_cast<double>(n)));
      ys.push_back(std::log(med));
    }
    if (xs.size() < 2) continue;
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) mx += xs[i], my += ys[i];
    mx /= xs.size();
    my /= ys.size();
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) sxy += (xs[i] - mx) * (ys[i] - my), sxx += (xs[i] - mx) * (xs[i] - mx);
    TimeExponent f;
    std::tie(f.solver, f.precision, f.kind) = key;
    f.exponent = sxy / sxx;
    f.n_min = n_cut;
    f.n_max = ns.back();
    f.sizes = static_cast<int>(xs.size());
    out.push_back(f);
  }
  return out;
}

std::string format_time_exponents(const std::vector<TimeExponent>& fits) {
  if (fits.empty()) return {};
  std::string s = fmt::format("\n{:<28} {:<4} {:<16} {:>14} {:>16}\n", "solver", "prec", "kind", "time ~ n^p", "fitted on n in");
  for (const auto& f : fits)
    s += fmt::format("{:<28} {:<4} {:<16} {:>14.2f} {:>16}\n", f.solver, f.precision, f.kind, f.exponent,
                     fmt::format("[{}, {}] ({})", f.n_min, f.n_max, f.sizes));
  return s;
}

}  // namespace condbench
