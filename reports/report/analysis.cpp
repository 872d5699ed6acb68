#include "reports/report/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace condbench::report {

double unit_roundoff(const std::string& precision) {
  if (precision == "f64") return 0x1p-53;
  if (precision == "f32") return 0x1p-24;
  if (precision == "f16" || precision == "tf32") return 0x1p-11;
  if (precision == "bf16") return 0x1p-8;
  return std::nan("");
}

double correct_digits(double fe, double u) {
  double top = -std::log10(u);
  if (std::isnan(fe) || fe >= 1) return 0;
  if (fe <= 0) return top;
  return std::clamp(-std::log10(fe), 0.0, top);
}

double plot_kappa(const ResultRow& r) {
  return std::isfinite(r.kappa) && r.kappa > 0 ? r.kappa : r.kappa_nominal;
}

int kappa_bin(double kappa, int width) {
  double l = std::log10(std::max(kappa, 1.0));
  return static_cast<int>(std::floor(l / width + 1e-9));
}

std::string kappa_bin_label(int bin, int width) {
  return fmt::format("1e{}–1e{}", bin * width, (bin + 1) * width);
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  std::size_t k = v.size();
  return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

std::optional<SlopeFit> fit_slope(const std::vector<const ResultRow*>& rows, double u) {
  std::vector<double> xs, ys;
  for (const ResultRow* r : rows) {
    if (r->status != "ok" || !std::isfinite(r->kappa) || r->kappa < 1) continue;
    double fe = r->forward_error;
    if (!(fe > kFloorFactor * u && fe < kNoDigitError)) continue;
    xs.push_back(std::log10(r->kappa));
    ys.push_back(std::log10(fe));
  }
  if (xs.size() < 3) return std::nullopt;
  auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
  if (*hi - *lo < 1) return std::nullopt;
  double n = static_cast<double>(xs.size()), mx = 0, my = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) mx += xs[i] / n, my += ys[i] / n;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) sxx += (xs[i] - mx) * (xs[i] - mx), sxy += (xs[i] - mx) * (ys[i] - my);
  SlopeFit f;
  f.points = static_cast<int>(xs.size());
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  f.kappa_lo = std::pow(10.0, *lo);
  f.kappa_hi = std::pow(10.0, *hi);
  return f;
}

std::optional<double> kappa_no_digit(const std::vector<const ResultRow*>& rows) {
  struct Decade {
    int total = 0, lost = 0;
    double min_lost_kappa = INFINITY;
  };
  std::map<int, Decade> decades;
  for (const ResultRow* r : rows) {
    if (r->status == "skipped") continue;
    double k = plot_kappa(*r);
    if (!std::isfinite(k)) continue;
    Decade& d = decades[kappa_bin(k, 1)];
    ++d.total;
    bool lost = r->status == "failed" || !(r->forward_error < kNoDigitError);
    if (lost) {
      ++d.lost;
      d.min_lost_kappa = std::min(d.min_lost_kappa, k);
    }
  }
  for (const auto& [bin, d] : decades)
    if (2 * d.lost > d.total) return d.min_lost_kappa;
  return std::nullopt;
}

namespace {
using Key = std::tuple<std::string, std::string, std::string>;  // solver, problem, precision

std::map<Key, std::vector<const ResultRow*>> group_rows(const std::vector<ResultRow>& rows) {
  std::map<Key, std::vector<const ResultRow*>> g;
  for (const auto& r : rows) g[{r.solver, r.problem, r.precision}].push_back(&r);
  return g;
}
}  // namespace

std::vector<GroupSummary> summarize_groups(const std::vector<ResultRow>& rows) {
  std::vector<GroupSummary> out;
  for (const auto& [key, rs] : group_rows(rows)) {
    GroupSummary s;
    std::tie(s.solver, s.problem, s.precision) = key;
    for (const ResultRow* r : rs) {
      (r->status == "ok" ? s.ok : r->status == "failed" ? s.failed : s.skipped)++;
      if (r->status != "skipped" && std::isfinite(plot_kappa(*r))) s.kappa_max = std::max(s.kappa_max, plot_kappa(*r));
    }
    if (s.ok + s.failed == 0) continue;  // a solver that does not take this problem kind
    s.fit = fit_slope(rs, unit_roundoff(s.precision));
    s.kappa_lost = kappa_no_digit(rs);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<DigitsTable> digits_tables(const std::vector<ResultRow>& rows, int width) {
  std::set<std::string> precisions;
  for (const auto& r : rows) precisions.insert(r.precision);
  std::vector<DigitsTable> tables;
  for (const auto& prec : precisions) {
    DigitsTable t;
    t.precision = prec;
    t.width = width;
    double u = unit_roundoff(prec);
    std::map<std::pair<std::string, std::string>, std::map<int, std::pair<std::vector<double>, int>>> acc;
    std::set<int> bins;
    for (const auto& r : rows) {
      if (r.precision != prec || r.status == "skipped" || !std::isfinite(plot_kappa(r))) continue;
      int b = kappa_bin(plot_kappa(r), width);
      bins.insert(b);
      auto& cell = acc[{r.solver, r.problem}][b];
      if (r.status == "ok")
        cell.first.push_back(correct_digits(r.forward_error, u));
      else
        ++cell.second;
    }
    t.bins.assign(bins.begin(), bins.end());
    for (const auto& [rk, cells] : acc) {
      t.row_labels.push_back(rk.first + " · " + rk.second);
      std::vector<std::optional<DigitsCell>> line;
      for (int b : t.bins) {
        auto it = cells.find(b);
        if (it == cells.end()) {
          line.push_back(std::nullopt);
          continue;
        }
        DigitsCell c;
        c.ok = static_cast<int>(it->second.first.size());
        c.failed = it->second.second;
        c.median_digits = c.ok ? median(it->second.first) : 0;
        line.push_back(c);
      }
      t.cells.push_back(std::move(line));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

}  // namespace condbench::report
