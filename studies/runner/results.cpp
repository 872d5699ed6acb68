#include "studies/runner/results.hpp"

#include "studies/runner/csv.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <tuple>

namespace condbench {

const std::vector<std::string>& result_columns() {
  static const std::vector<std::string> cols{
      "case_id", "generator", "problem", "kind", "m", "n", "seed", "precision", "solver", "status", "reason",
      "kappa_nominal", "kappa", "kappa_certified", "kappa_method", "forward_error", "forward_error_inf",
      "backward_error", "componentwise_backward_error", "residual_ratio", "ls_residual_ratio", "error_vs_true",
      "residual_norm", "ref_error", "ref_converged", "ref_method", "iterations", "fallback", "note", "facts",
      "time_s", "factor_s", "solve_s", "transfer_s", "time_spread", "repetitions", "gflops", "jobs", "ref_time_s",
      "kappa_time_s"};
  return cols;
}

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.17g}", v);
}

std::vector<std::string> row_fields(const ResultRow& r) {
  auto d = format_double;
  auto b = [](bool x) { return std::string(x ? "true" : "false"); };
  auto i = [](auto x) { return std::to_string(x); };
  return {r.case_id, r.generator, r.problem, r.kind, i(r.m), i(r.n), i(r.seed), r.precision, r.solver, r.status,
          r.reason, d(r.kappa_nominal), d(r.kappa), b(r.kappa_certified), r.kappa_method, d(r.forward_error),
          d(r.forward_error_inf), d(r.backward_error), d(r.componentwise_backward_error), d(r.residual_ratio),
          d(r.ls_residual_ratio), d(r.error_vs_true), d(r.residual_norm), d(r.ref_error), b(r.ref_converged),
          r.ref_method, i(r.iterations), b(r.fallback), r.note, r.facts, d(r.time_s), d(r.factor_s), d(r.solve_s),
          d(r.transfer_s), d(r.time_spread), i(r.repetitions), d(r.gflops), i(r.jobs), d(r.ref_time_s),
          d(r.kappa_time_s)};
}

std::string format_row(const ResultRow& r) { return csv::join(row_fields(r)); }

namespace {

double to_double(const std::string& s, const std::string& where, const std::string& col) {
  if (s == "nan" || s == "NaN" || s.empty()) return std::nan("");
  if (s == "inf" || s == "Infinity") return INFINITY;
  if (s == "-inf" || s == "-Infinity") return -INFINITY;
  // strtod, not stod: stod throws on a subnormal (ERANGE), which is a correctly rounded
  // value here (a residual norm of 1.8e-309 near the underflow threshold).
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() && *end == '\0' && !(errno == ERANGE && std::fabs(v) >= 1)) return v;
  throw InputError(where, fmt::format("column '{}': '{}' is not a number", col, s));
}

bool to_bool(const std::string& s, const std::string& where, const std::string& col) {
  if (s == "true" || s == "True" || s == "1") return true;
  if (s == "false" || s == "False" || s == "0" || s.empty()) return false;
  throw InputError(where, fmt::format("column '{}': '{}' is not true or false", col, s));
}

// Columns of format 2 that format 1 files lack, and what they read as there.
const std::map<std::string, std::string>& added_in_format_2() {
  static const std::map<std::string, std::string> cols{
      {"kappa_method", ""}, {"ref_method", ""}, {"facts", "{}"}, {"gflops", "nan"}, {"jobs", "1"}};
  return cols;
}

}  // namespace

std::vector<ResultRow> parse_results_csv(const std::string& text, const std::string& where) {
  std::vector<csv::Record> records = csv::parse(text, where);
  if (records.empty()) throw InputError(where, "empty results file (no header)");
  const std::vector<std::string>& header = records[0].fields;
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const auto& c : result_columns()) {
    if (col.count(c) || added_in_format_2().count(c)) continue;
    std::string have;
    for (const auto& h : header) have += (have.empty() ? "" : ", ") + fmt::format("'{}'", h);
    throw InputError(where + ":1", fmt::format("not a condbench results file: column '{}' is missing; the "
                                               "header has {} columns: {}",
                                               c, header.size(), have));
  }
  std::vector<ResultRow> rows;
  rows.reserve(records.size() - 1);
  for (std::size_t k = 1; k < records.size(); ++k) {
    const std::vector<std::string>& f = records[k].fields;
    std::string at = fmt::format("{}:{}", where, records[k].line);
    if (f.size() != header.size())
      throw InputError(at, fmt::format("{} fields, expected {} as in the header (half-written or corrupt row)",
                                       f.size(), header.size()));
    auto s = [&](const char* name) -> const std::string& {
      auto it = col.find(name);
      return it == col.end() ? added_in_format_2().at(name) : f[it->second];
    };
    auto d = [&](const char* name) { return to_double(s(name), at, name); };
    auto i = [&](const char* name) {
      double v = d(name);
      if (!std::isfinite(v) || v != std::floor(v))
        throw InputError(at, fmt::format("column '{}': '{}' is not an integer", name, s(name)));
      return static_cast<long long>(v);
    };
    auto b = [&](const char* name) { return to_bool(s(name), at, name); };
    ResultRow r;
    r.case_id = s("case_id");
    r.generator = s("generator");
    r.problem = s("problem");
    r.kind = s("kind");
    r.m = static_cast<int>(i("m"));
    r.n = static_cast<int>(i("n"));
    r.seed = static_cast<std::uint64_t>(i("seed"));
    r.precision = s("precision");
    r.solver = s("solver");
    r.status = s("status");
    if (r.status != "ok" && r.status != "failed" && r.status != "skipped")
      throw InputError(at, fmt::format("column 'status': '{}' is not ok, failed or skipped", r.status));
    r.reason = s("reason");
    r.kappa_nominal = d("kappa_nominal");
    r.kappa = d("kappa");
    r.kappa_certified = b("kappa_certified");
    r.kappa_method = s("kappa_method");
    r.forward_error = d("forward_error");
    r.forward_error_inf = d("forward_error_inf");
    r.backward_error = d("backward_error");
    r.componentwise_backward_error = d("componentwise_backward_error");
    r.residual_ratio = d("residual_ratio");
    r.ls_residual_ratio = d("ls_residual_ratio");
    r.error_vs_true = d("error_vs_true");
    r.residual_norm = d("residual_norm");
    r.ref_error = d("ref_error");
    r.ref_converged = b("ref_converged");
    r.ref_method = s("ref_method");
    r.iterations = static_cast<int>(i("iterations"));
    r.fallback = b("fallback");
    r.note = s("note");
    r.facts = s("facts").empty() ? "{}" : s("facts");
    r.time_s = d("time_s");
    r.factor_s = d("factor_s");
    r.solve_s = d("solve_s");
    r.transfer_s = d("transfer_s");
    r.time_spread = d("time_spread");
    r.repetitions = static_cast<int>(i("repetitions"));
    r.gflops = d("gflops");
    r.jobs = static_cast<int>(i("jobs"));
    r.ref_time_s = d("ref_time_s");
    r.kappa_time_s = d("kappa_time_s");
    rows.push_back(std::move(r));
  }
  return rows;
}

CsvWriter::CsvWriter(const std::string& path, bool append)
    : out_(path, std::ios::out | std::ios::binary | (append ? std::ios::app : std::ios::trunc)) {
  if (!out_) throw InputError(path, "cannot create results file");
  if (!append) {
    out_ << csv::join(result_columns());
    out_.flush();
  }
}

void CsvWriter::write(const ResultRow& r) { write_text(format_row(r)); }

void CsvWriter::write_text(const std::string& lines) {
  out_ << lines;
  out_.flush();
}

std::uint64_t CsvWriter::offset() { return static_cast<std::uint64_t>(out_.tellp()); }

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
      // No forward error (timing-only rows, no reference): no digits to count, not zero digits.
      if (std::isfinite(fe)) digits.push_back(std::max(0.0, -std::log10(std::max(fe, 1e-300))));
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
