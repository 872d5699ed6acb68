#include "reports/chains/chain_tables.hpp"

#include "reports/report/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace condbench::chains {
namespace {

const char* const kSpectrumMethods[] = {"chain.explicit_svd", "chain.qr_sweep", "chain.qr_jacobi"};

std::string num(double v) {
  if (std::isnan(v)) return "—";
  if (std::isinf(v)) return v > 0 ? "∞" : "−∞";
  if (v == 0) return "0";
  const double a = std::fabs(v);
  return a >= 1e4 || a < 1e-3 ? fmt::format("{:.2e}", v) : fmt::format("{:.3g}", v);
}

// The rows of one chain configuration; groups in the order the rows first name them.
struct Group {
  std::string config;
  std::vector<const ChainRow*> rows;
};

std::vector<Group> groups_of(const std::vector<ChainRow>& rows) {
  std::vector<Group> out;
  std::map<std::string, std::size_t> index;
  for (const auto& r : rows) {
    const std::string label = config_label(r);
    auto [it, fresh] = index.try_emplace(label, out.size());
    if (fresh) out.push_back({label, {}});
    out[it->second].rows.push_back(&r);
  }
  return out;
}

std::vector<std::string> precisions(const std::vector<ChainRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    if (std::find(out.begin(), out.end(), r.precision) == out.end()) out.push_back(r.precision);
  return out;
}

template <class Pred>
std::vector<const ChainRow*> select(const Group& g, Pred pred) {
  std::vector<const ChainRow*> out;
  for (const ChainRow* r : g.rows)
    if (pred(*r)) out.push_back(r);
  return out;
}

double median_of(const std::vector<const ChainRow*>& rows, double ChainRow::*field) {
  std::vector<double> v;
  for (const ChainRow* r : rows) v.push_back(r->*field);
  return quantile(v, 0.5);
}

// What the lecture says the configuration does (Part 6), where it says something.
std::string lecture_claim(const ChainRow& r) {
  if (r.activation != "linear" || r.residual) return "";
  if (r.init == "gaussian") return r.scale < 1 ? "~0 (vanishing)" : r.scale > 1 ? "huge (explosion)" : "~1 (stable)";
  if (r.init == "xavier_uniform" || r.init == "xavier_normal") return "keeps the variance constant";
  return "";
}

Table gradient_table(const ChainRunData& run, const std::vector<Group>& groups) {
  Table t;
  t.title = "The lecture's table: the gradient after L layers, measured beside theory";
  t.intro =
      "chain.backprop at the deepest depth of each chain (the lecture's simulate_gradient_flow: ‖g‖ of a unit "
      "vector pushed back through L layers). tangent_norm is the forward mode (a unit tangent pushed through "
      "the same Jacobians), where the ReLU law is exact.";
  t.header = {
      "chain",         "quantity",       "precision",          "L", "seeds",        "median", "5–95 %", "theory median",
      "theory 5–95 %", "mean ln ± s.e.", "E ln ± sd (theory)", "z", "lecture says", "theory"};
  for (const Group& g : groups)
    for (const std::string& prec : precisions(run.rows))
      for (const char* q : {"grad_norm", "tangent_norm"}) {
        auto rows = select(g, [&](const ChainRow& r) {
          return r.method == "chain.backprop" && r.quantity == q && r.precision == prec && r.status == "ok" &&
                 r.depth == r.layers;
        });
        if (rows.empty()) continue;
        if (std::string(q) == "tangent_norm" && rows.front()->activation == "linear") continue;
        std::vector<double> v, logs;
        int zero = 0;
        for (const ChainRow* r : rows) {
          v.push_back(r->value);
          if (r->value > 0 && std::isfinite(r->value))
            logs.push_back(std::log(r->value));
          else
            ++zero;
        }
        double mean = 0, var = 0;
        for (double x : logs) mean += x;
        mean /= std::max<std::size_t>(1, logs.size());
        for (double x : logs) var += (x - mean) * (x - mean);
        var /= std::max<std::size_t>(1, logs.size() - 1);
        const ChainRow& r0 = *rows.front();
        const double th = r0.theory, sd = r0.theory_sd, n = static_cast<double>(logs.size());
        const bool has_th = std::isfinite(th) && th > 0;
        const double e = has_th ? std::log(th) : NAN;
        const double z = has_th && sd > 0 && n > 0 ? (mean - e) / (sd / std::sqrt(n)) : NAN;
        std::string seeds = std::to_string(rows.size());
        if (zero) seeds += fmt::format(" ({} zero or not finite)", zero);
        t.rows.push_back(
            {g.config, q, prec, std::to_string(r0.layers), seeds, num(quantile(v, 0.5)),
             num(quantile(v, 0.05)) + " … " + num(quantile(v, 0.95)), has_th ? num(th) : "—",
             has_th && std::isfinite(sd) ? num(std::exp(e - 1.645 * sd)) + " … " + num(std::exp(e + 1.645 * sd)) : "—",
             logs.empty() ? "—" : fmt::format("{:.4f} ± {:.4f}", mean, std::sqrt(var / n)),
             has_th ? fmt::format("{:.4f} ± {:.4f}", e, sd) : "—", std::isfinite(z) ? fmt::format("{:+.2f}", z) : "—",
             std::string(q) == "grad_norm" ? lecture_claim(r0) : "", r0.theory_note});
      }
  t.rule =
      "Median and 5–95 %: over the seeds. Theory median: exp(E ln‖g‖) of the law in the last column; theory "
      "5–95 %: exp(E ± 1.645 sd), the normal approximation of ln‖g‖ (a sum of L iid terms). z = (measured mean "
      "of ln‖g‖ − E) / (sd/√seeds): |z| < 3 is agreement within sampling noise.";
  return t;
}

// Up to five depths spread over a chain's measured depths.
std::vector<int> shown_depths(std::vector<int> depths) {
  std::sort(depths.begin(), depths.end());
  depths.erase(std::unique(depths.begin(), depths.end()), depths.end());
  if (depths.size() <= 6) return depths;
  std::vector<int> out;
  for (int k = 0; k < 5; ++k) {
    const int d = depths[(depths.size() - 1) * k / 4];
    if (out.empty() || out.back() != d) out.push_back(d);
  }
  return out;
}

Table kappa_table(const ChainRunData& run, const std::vector<Group>& groups) {
  Table t;
  t.title = "κ of the product of the Jacobians, per method";
  t.intro =
      "Median log10 κ over the seeds; in brackets the median of |log10 κ − reference|, in decades (✕n: n "
      "failed; results.csv has the relative error). explicit_svd forms the product in the working precision; qr_sweep "
      "reads κ off the QR "
      "sweep's diagonal; qr_jacobi adds the triangular factor and an accurate SVD of it.";
  t.header = {"chain", "precision", "depth", "reference", "theory (Lyapunov)"};
  for (const char* m : kSpectrumMethods) t.header.push_back(std::string(m).substr(6));
  for (const Group& g : groups)
    for (const std::string& prec : precisions(run.rows)) {
      auto all = select(g, [&](const ChainRow& r) { return r.quantity == "log10_kappa" && r.precision == prec; });
      if (all.empty()) continue;
      std::vector<int> depths;
      for (const ChainRow* r : all) depths.push_back(r->depth);
      for (int depth : shown_depths(depths)) {
        auto at = select(g, [&](const ChainRow& r) {
          return r.quantity == "log10_kappa" && r.precision == prec && r.depth == depth;
        });
        std::vector<double> ref;
        for (const ChainRow* r : at) ref.push_back(r->reference);
        std::vector<std::string> line{g.config, prec, std::to_string(depth), num(quantile(ref, 0.5)),
                                      num(at[0]->theory)};
        for (const char* m : kSpectrumMethods) {
          std::vector<const ChainRow*> ok, failed;
          for (const ChainRow* r : at)
            if (r->method == m) (r->status == "ok" ? ok : failed).push_back(r);
          if (ok.empty() && failed.empty()) {
            line.push_back("");
            continue;
          }
          std::vector<double> off;
          for (const ChainRow* r : ok)
            off.push_back(r->value == r->reference ? 0.0 : std::fabs(r->value - r->reference));
          std::string cell =
              ok.empty() ? "" : fmt::format("{} ({})", num(median_of(ok, &ChainRow::value)), num(quantile(off, 0.5)));
          if (!failed.empty()) cell += fmt::format(" ✕{}", failed.size());
          line.push_back(cell);
        }
        t.rows.push_back(line);
      }
    }
  t.rule =
      "Reference: the stored factors' product, see ref_method in results.csv (graded: QR sweep, triangular "
      "factor and one-sided Jacobi in double-double; explicit: the product in Boost.Multiprecision). Theory: "
      "j·(ψ(d/2) − ψ(1/2))/(2 ln 10), the exact mean of log10|R11/Rdd| and κ's growth rate (linear Gaussian "
      "chains); ∞ for ReLU chains, whose Jacobians are singular. The explicit product cannot show κ much past "
      "d/u (≈ 1e9 in f32, ≈ 1e17.5 in f64).";
  return t;
}

Table monitor_table(const ChainRunData& run, const std::vector<Group>& groups) {
  Table t;
  t.title = "The lecture's weight monitor (warn if κ(W) > 1e6) beside the product";
  t.intro =
      "chain.monitor: κ of every weight matrix by SVD in the working precision, as monitor_weight_conditioning "
      "does.";
  t.header = {"chain",
              "precision",
              "weights",
              "warnings",
              "expected (theory)",
              "median κ(W)",
              "theory median",
              "largest κ(W)",
              "median κ of the product at L (reference)",
              "std of the entries",
              "theory"};
  for (const Group& g : groups)
    for (const std::string& prec : precisions(run.rows)) {
      auto k = select(g, [&](const ChainRow& r) {
        return r.quantity == "weight_kappa" && r.status == "ok" && r.precision == prec;
      });
      if (k.empty()) continue;
      auto w = select(
          g, [&](const ChainRow& r) { return r.quantity == "weight_warn" && r.status == "ok" && r.precision == prec; });
      double warns = 0, largest = 0;
      for (const ChainRow* r : w) warns += r->value;
      for (const ChainRow* r : k) largest = std::max(largest, r->value);
      auto prod = select(g, [&](const ChainRow& r) {
        return r.quantity == "log10_kappa" && r.precision == prec && r.depth == r.layers;
      });
      std::vector<double> ref;
      for (const ChainRow* r : prod) ref.push_back(r->reference);
      const double ref_med = quantile(ref, 0.5);
      const double p = w.empty() ? NAN : w.front()->theory;
      auto sd = select(
          g, [&](const ChainRow& r) { return r.quantity == "weight_std" && r.status == "ok" && r.precision == prec; });
      t.rows.push_back({g.config, prec, std::to_string(k.size()), num(warns),
                        std::isfinite(p) ? num(p * static_cast<double>(w.size())) : "—",
                        num(median_of(k, &ChainRow::value)), num(k.front()->theory), num(largest),
                        std::isfinite(ref_med) ? "1e" + fmt::format("{:.1f}", ref_med) : "—",
                        sd.empty() ? "—" : fmt::format("{:.4f}", median_of(sd, &ChainRow::value)),
                        sd.empty() ? "—" : fmt::format("{:.4f}", sd.front()->theory)});
    }
  t.rule =
      "Expected warnings: the number of weights times P(κ > 1e6) under Edelman's limit law for Gaussian "
      "matrices (κ/d → distribution function exp(−2/x − 2/x²)); its median is 3.67·d. Std of the entries: the "
      "median over the weights of layer.weight.std(); theory: the init's standard deviation (nn.Linear's "
      "default, torch_default, is 1/√(3·fan_in)).";
  return t;
}

Table moments_table(const ChainRunData& run) {
  Table t;
  t.title = "Spectrum of J Jᵀ: mean and variance of its eigenvalues";
  t.intro =
      "The eigenvalues of B Bᵀ (B the product) pooled over the seeds: mean, and variance over the squared mean "
      "(at criticality, mean 1, the variance of Pennington, Schoenholz & Ganguli). Measured by "
      "chain.qr_jacobi, or chain.explicit_svd where that has more seeds.";
  t.header = {"chain",  "precision",          "depth",     "seeds", "mean: measured", "reference",
              "theory", "variance: measured", "reference", "theory"};
  const std::vector<PooledSpectrum> all = pooled_spectra(run.rows);
  std::map<std::pair<std::string, std::string>, std::vector<int>> depths;
  for (const PooledSpectrum& p : all) depths[{p.config, p.precision}].push_back(p.depth);
  for (const PooledSpectrum& p : all) {
    const std::vector<int> shown = shown_depths(depths[{p.config, p.precision}]);
    if (std::find(shown.begin(), shown.end(), p.depth) == shown.end()) continue;
    std::string seeds = std::to_string(p.seeds);
    if (p.failed) seeds += fmt::format(" (✕{})", p.failed);
    t.rows.push_back({p.config, p.precision, std::to_string(p.depth), seeds, num(p.mean), num(p.mean_reference),
                      num(p.mean_theory), num(p.measured), num(p.reference), num(p.theory)});
  }
  t.rule =
      "Pooled: E[m2]/E[m1]² − 1 over the seeds, m_k the k-th moment of one seed's eigenvalues. Theory of the "
      "mean: exact (s² per layer, s²/2 with ReLU, 1 + s² with residual connections). Theory of the variance: "
      "the infinite-width limit at fixed depth (j/p Gaussian, j(1/p − 1) orthogonal; p = 1 linear, 1/2 ReLU), "
      "which finite widths exceed when the depth is not small against the width.";
  return t;
}

Table range_table(const ChainRunData& run, const std::vector<Group>& groups) {
  Table t;
  t.title = "Where the working precision runs out of range";
  t.intro =
      "chain.backprop: the first depth at which g is exactly zero (underflow, or a dead ReLU layer) or not "
      "finite (overflow), median over the seeds that reached it within the chain.";
  t.header = {"chain",
              "precision",
              "L",
              "g = 0: median depth",
              "seeds",
              "exactly 0 in the reference",
              "g not finite: median depth",
              "seeds"};
  bool any = false;
  for (const Group& g : groups) {
    // Only the chains where some precision ran out of range (or a layer died).
    const bool happened = std::any_of(g.rows.begin(), g.rows.end(), [&](const ChainRow* r) {
      return (r->quantity == "zero_depth" || r->quantity == "nonfinite_depth") && std::isfinite(r->value);
    });
    if (!happened) continue;
    for (const std::string& prec : precisions(run.rows)) {
      auto zero = select(
          g, [&](const ChainRow& r) { return r.quantity == "zero_depth" && r.status == "ok" && r.precision == prec; });
      if (zero.empty()) continue;
      auto inf = select(g, [&](const ChainRow& r) {
        return r.quantity == "nonfinite_depth" && r.status == "ok" && r.precision == prec;
      });
      std::vector<double> z, zr, f;
      for (const ChainRow* r : zero) {
        if (std::isfinite(r->value)) z.push_back(r->value);
        if (std::isfinite(r->reference)) zr.push_back(r->reference);
      }
      for (const ChainRow* r : inf)
        if (std::isfinite(r->value)) f.push_back(r->value);
      any = any || !z.empty() || !f.empty();
      t.rows.push_back({g.config, prec, std::to_string(zero.front()->layers), num(quantile(z, 0.5)),
                        fmt::format("{} of {}", z.size(), zero.size()), fmt::format("{} of {}", zr.size(), zero.size()),
                        num(quantile(f, 0.5)), fmt::format("{} of {}", f.size(), inf.size())});
    }
  }
  if (!any) t.rows.clear();
  t.rule = "A zero that the reference (double-double, rescaled every layer) does not share is underflow.";
  return t;
}

}  // namespace

std::string config_label(const ChainRow& r) {
  return fmt::format("d={} {} s={:.4g} {}{} L={}", r.width, r.init, r.scale, r.activation,
                     r.residual ? " residual" : "", r.layers);
}

double quantile(std::vector<double> v, double p) {
  std::erase_if(v, [](double x) { return std::isnan(x); });
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(std::floor(pos));
  if (i + 1 >= v.size()) return v.back();
  const double f = pos - static_cast<double>(i);
  if (!std::isfinite(v[i]) || !std::isfinite(v[i + 1])) return f < 0.5 ? v[i] : v[i + 1];
  return v[i] + f * (v[i + 1] - v[i]);
}

std::vector<PooledSpectrum> pooled_spectra(const std::vector<ChainRow>& rows, const std::string& precision) {
  // (config, precision, depth) -> per method: jjt_mean and jjt_variance rows by seed
  struct Acc {
    std::map<std::uint64_t, const ChainRow*> mean, var;
    int failed = 0;
  };
  std::map<std::tuple<std::string, std::string, int>, std::map<std::string, Acc>> acc;
  for (const auto& r : rows) {
    if ((r.quantity != "jjt_mean" && r.quantity != "jjt_variance") || (!precision.empty() && r.precision != precision))
      continue;
    if (r.method != "chain.qr_jacobi" && r.method != "chain.explicit_svd") continue;
    Acc& a = acc[{config_label(r), r.precision, r.depth}][r.method];
    if (r.status != "ok") {
      if (r.quantity == "jjt_mean") ++a.failed;
      continue;
    }
    (r.quantity == "jjt_mean" ? a.mean : a.var)[r.seed] = &r;
  }
  std::vector<PooledSpectrum> out;
  for (const auto& [key, by_method] : acc) {
    // chain.qr_jacobi, unless chain.explicit_svd has more seeds (the moments come from the
    // large singular values, which the explicit product keeps; its range is wider in f32).
    auto it = by_method.find("chain.qr_jacobi");
    auto ex = by_method.find("chain.explicit_svd");
    if (it == by_method.end() || (ex != by_method.end() && ex->second.mean.size() > it->second.mean.size())) it = ex;
    if (it == by_method.end() || it->second.mean.empty()) continue;
    const Acc& a = it->second;
    PooledSpectrum p;
    std::tie(p.config, p.precision, p.depth) = key;
    p.failed = a.failed;
    double m1 = 0, m2 = 0, r1 = 0, r2 = 0;
    for (const auto& [seed, mrow] : a.mean) {
      auto v = a.var.find(seed);
      if (v == a.var.end()) continue;
      ++p.seeds;
      m1 += mrow->value;
      m2 += (v->second->value + 1) * mrow->value * mrow->value;
      r1 += mrow->reference;
      r2 += (v->second->reference + 1) * mrow->reference * mrow->reference;
      p.mean_theory = mrow->theory;
      p.theory = v->second->theory;
    }
    if (p.seeds == 0) continue;
    const double n = p.seeds;
    p.mean = m1 / n;
    p.mean_reference = r1 / n;
    p.measured = (m2 / n) / (p.mean * p.mean) - 1;
    p.reference = (r2 / n) / (p.mean_reference * p.mean_reference) - 1;
    out.push_back(p);
  }
  return out;
}

std::vector<Table> chain_tables(const ChainRunData& run) {
  std::vector<Table> out;
  const std::vector<Group> groups = groups_of(run.rows);
  for (Table t : {gradient_table(run, groups), kappa_table(run, groups), monitor_table(run, groups), moments_table(run),
                  range_table(run, groups)})
    if (!t.rows.empty()) out.push_back(std::move(t));
  return out;
}

std::string table_markdown(const Table& t) {
  auto cell = [](const std::string& s) {
    std::string o;
    for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
    return o;
  };
  std::string md = fmt::format("## {}\n\n{}\n\n|", t.title, t.intro);
  std::string sep = "|";
  for (const auto& h : t.header) md += " " + cell(h) + " |", sep += "---|";
  md += "\n" + sep + "\n";
  for (const auto& row : t.rows) {
    md += "|";
    for (const auto& c : row) md += " " + cell(c) + " |";
    md += "\n";
  }
  return md + fmt::format("\n{}\n\n", t.rule);
}

std::string table_html(const Table& t) {
  using report::html_escape;
  std::string h = fmt::format("<h2>{}</h2>\n<p class=\"caption\">{}</p>\n<table><thead><tr>", html_escape(t.title),
                              html_escape(t.intro));
  for (const auto& c : t.header) h += "<th>" + html_escape(c) + "</th>";
  h += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    h += "<tr>";
    for (const auto& c : row) h += "<td>" + html_escape(c) + "</td>";
    h += "</tr>\n";
  }
  return h + fmt::format("</tbody></table>\n<p class=\"rule\">{}</p>\n", html_escape(t.rule));
}

}  // namespace condbench::chains
