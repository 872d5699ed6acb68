#include "reports/report/guide.hpp"

#include "reports/common/escape.hpp"
#include "reports/report/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace condbench::report {
namespace {

constexpr int kWidth = 2;  // decades per kappa range, as the digits tables

// The tree of Part 8 for a problem kind at kappa: square and SPD -> Cholesky; square, not SPD:
// well-conditioned -> LU, else the SVD pseudoinverse. "Well-conditioned" is read with the
// lecture's own table, which sends a square matrix to the SVD pseudoinverse only when kappa >
// 1/eps ("numerically singular"); overdetermined -> SVD lstsq ("precision critical": this is an
// accuracy study); underdetermined -> the minimum-norm solution by SVD.
std::string tree_branch(const std::string& kind, double kappa, double u) {
  if (kind == "spd") return "Cholesky";
  if (kind == "general") return kappa < 1 / u ? "LU" : "SVD pseudoinverse";
  if (kind == "least_squares") return "SVD lstsq";
  return "min-norm SVD";
}

// The solvers that implement a branch, the lecture's own code first.
const std::vector<std::string>& implementations(const std::string& branch) {
  static const std::map<std::string, std::vector<std::string>> m{
      {"Cholesky", {"lecture.smart_solve", "scipy.cho_solve", "lapack.cholesky"}},
      {"LU", {"lecture.smart_solve", "scipy.solve", "numpy.solve", "lapack.lu"}},
      {"SVD pseudoinverse", {"numpy.pinv", "lapack.svd"}},
      {"SVD lstsq", {"lecture.smart_solve", "numpy.lstsq", "scipy.lstsq_gelsd", "lapack.svd"}},
      {"min-norm SVD", {"lecture.smart_solve", "numpy.lstsq", "numpy.pinv", "lapack.svd"}}};
  return m.at(branch);
}

std::string kind_label(const std::string& k) {
  if (k == "general") return "square";
  if (k == "spd") return "SPD";
  if (k == "least_squares") return "least squares";
  return k;
}

std::string time_text(double s) {
  if (!std::isfinite(s)) return "—";
  if (s < 1e-3) return fmt::format("{:.0f} µs", s * 1e6);
  if (s < 1) return fmt::format("{:.3g} ms", s * 1e3);
  return fmt::format("{:.3g} s", s);
}

std::string choice_text(const GuideChoice& c) {
  std::string s = fmt::format("{} {:.1f} ({})", c.solver, c.digits, time_text(c.time_s));
  if (c.failed) s += fmt::format(" ✕{}", c.failed);
  return s;
}

std::string lecture_text(const GuideLine& g) {
  if (!g.lecture) return fmt::format("{}: not in this run", g.lecture_method);
  std::string s = fmt::format("{}: {}", g.lecture_method, choice_text(*g.lecture));
  double gap = g.most_accurate.digits - g.lecture->digits;
  return gap >= 0.05 ? s + fmt::format(", {:.1f} digits short", gap) : s;
}

const char* const kGuideRule =
    "Per precision, problem kind and range of measured κ: digits are the median correct digits over each solver's "
    "solves in the range (a failed solve counts 0; ✕N failures), times the median time_s of its ok solves (a "
    "worker's time_s is its own call, without transfer_s). Most accurate: the most digits (ties: the faster). "
    "Fastest within 1 digit: the fastest solver at most one digit behind it. The lecture's tree (Part 8): square "
    "SPD → Cholesky; square otherwise → LU while κ < 1/u (its table sends only κ > 1/ε, 'numerically singular', "
    "to the SVD pseudoinverse; judged at the range's geometric middle), else SVD pseudoinverse; m > n → SVD lstsq "
    "('precision critical': yes); m < n → minimum norm by SVD. Its implementation in this run: the lecture's own "
    "smart_solve first, then numpy/scipy, then lapack.*.";

}  // namespace

std::vector<GuideLine> solver_guide(const std::vector<ResultRow>& rows) {
  // (precision, kind, bin) -> solver -> its solves
  std::map<std::tuple<std::string, std::string, int>, std::map<std::string, std::vector<const ResultRow*>>> groups;
  for (const ResultRow& r : rows) {
    double k = plot_kappa(r);
    if (r.status == "skipped" || !std::isfinite(k) || !std::isfinite(unit_roundoff(r.precision))) continue;
    groups[{r.precision, r.kind, kappa_bin(k, kWidth)}][r.solver].push_back(&r);
  }
  std::vector<GuideLine> out;
  for (const auto& [key, by_solver] : groups) {
    if (by_solver.size() < 2) continue;
    const auto& [prec, kind, bin] = key;
    const double u = unit_roundoff(prec);
    std::map<std::string, GuideChoice> choices;
    for (const auto& [solver, solves] : by_solver) {
      GuideChoice c;
      c.solver = solver;
      std::vector<double> digits, times;
      for (const ResultRow* r : solves) {
        bool ok = r->status == "ok";
        digits.push_back(ok ? correct_digits(r->forward_error, u) : 0.0);
        if (ok && std::isfinite(r->time_s)) times.push_back(r->time_s);
        c.failed += !ok;
      }
      c.solves = static_cast<int>(solves.size());
      c.digits = median(digits);
      c.time_s = median(times);
      choices[solver] = c;
    }
    auto faster = [](const GuideChoice& a, const GuideChoice& b) {
      double ta = std::isfinite(a.time_s) ? a.time_s : INFINITY, tb = std::isfinite(b.time_s) ? b.time_s : INFINITY;
      return ta < tb;
    };
    GuideLine g;
    g.precision = prec;
    g.kind = kind;
    g.bin = bin;
    g.solvers = static_cast<int>(choices.size());
    const GuideChoice* best = nullptr;
    for (const auto& [_, c] : choices)
      if (!best || c.digits > best->digits || (c.digits == best->digits && faster(c, *best))) best = &c;
    g.most_accurate = *best;
    const GuideChoice* quick = best;
    for (const auto& [_, c] : choices)
      if (c.digits >= best->digits - 1 && std::isfinite(c.time_s) && faster(c, *quick)) quick = &c;
    g.fastest_within_digit = *quick;
    double middle = std::pow(10.0, (bin + 0.5) * kWidth);
    g.lecture_method = tree_branch(kind, middle, u);
    for (const std::string& s : implementations(g.lecture_method))
      if (auto it = choices.find(s); it != choices.end()) {
        g.lecture = it->second;
        break;
      }
    out.push_back(std::move(g));
  }
  return out;
}

std::string guide_markdown(const std::vector<GuideLine>& lines) {
  if (lines.empty()) return "";
  std::string md = "\n## The solver guide, measured (the lectures' Part 8 against this run)\n\n"
                   "| precision | kind | κ range | most accurate: digits (time) | fastest within 1 digit | "
                   "the lecture's tree picks |\n|---|---|---|---|---|---|\n";
  for (const GuideLine& g : lines)
    md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", g.precision, kind_label(g.kind),
                      kappa_bin_label(g.bin, kWidth), choice_text(g.most_accurate),
                      choice_text(g.fastest_within_digit), lecture_text(g));
  return md + fmt::format("\n{}\n", kGuideRule);
}

std::string guide_html(const std::vector<GuideLine>& lines) {
  if (lines.empty()) return "";
  std::string h = "<h2>The solver guide, measured</h2>\n<table class=\"guide\"><thead><tr><th>precision</th>"
                  "<th>kind</th><th>κ range</th><th>most accurate: digits (time)</th><th>fastest within 1 digit</th>"
                  "<th>the lecture's tree picks</th></tr></thead><tbody>\n";
  for (const GuideLine& g : lines) {
    bool short_of = !g.lecture || g.most_accurate.digits - g.lecture->digits >= 1;
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
                     markup_escape(g.precision), markup_escape(kind_label(g.kind)),
                     markup_escape(kappa_bin_label(g.bin, kWidth)), markup_escape(choice_text(g.most_accurate)),
                     markup_escape(choice_text(g.fastest_within_digit)), short_of ? "warn" : "good",
                     markup_escape(lecture_text(g)));
  }
  return h + fmt::format("</tbody></table>\n<p class=\"rule\">{}</p>\n", markup_escape(kGuideRule));
}

}  // namespace condbench::report
