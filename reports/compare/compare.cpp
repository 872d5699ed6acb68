#include "reports/compare/compare.hpp"

#include "reports/report/analysis.hpp"
#include "reports/report/report.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

namespace condbench::compare {
using report::median;
using json = nlohmann::json;
namespace {

using PairKey = std::tuple<std::string, std::string, std::string>;  // case_id, solver, precision
using GroupKey = std::tuple<std::string, std::string, std::string, int>;  // solver, precision, problem, bin

struct Pair {
  const ResultRow* a;
  const ResultRow* b;
};

std::string meta_str(const RunData& r, const char* section, const char* key) {
  if (!r.meta.contains(section) || !r.meta[section].contains(key)) return "-";
  const auto& v = r.meta[section][key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string ratio_text(double x) {
  if (!std::isfinite(x)) return "-";
  return x >= 100 || x <= 0.01 ? fmt::format("×{:.1e}", x) : fmt::format("×{:.2f}", x);
}

std::string err_text(double x) { return std::isfinite(x) ? fmt::format("{:.1e}", x) : "-"; }

std::string time_text(double s) {
  if (!std::isfinite(s)) return "-";
  if (s < 1e-3) return fmt::format("{:.1f} µs", s * 1e6);
  if (s < 1) return fmt::format("{:.2f} ms", s * 1e3);
  return fmt::format("{:.2f} s", s);
}

std::string verdict_text(Verdict v, int newly_failed, int newly_ok, int ok_pairs) {
  std::string s = to_string(v);
  if (ok_pairs == 0 && newly_failed == 0 && newly_ok == 0) s += " (no solve ok in both)";
  if (newly_failed) s += fmt::format(" ({} new failures)", newly_failed);
  if (newly_ok) s += fmt::format(" ({} now ok)", newly_ok);
  return s;
}

std::string run_label(const RunData& r) {
  return fmt::format("{} ({}, {})", r.dir, meta_str(r, "study", "name"), meta_str(r, "context", "blas_version"));
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::better: return "better";
    case Verdict::worse: return "worse";
    default: return "same";
  }
}

Verdict judge(const std::vector<double>& d, double factor, double noise) {
  if (d.empty()) return Verdict::same;
  double center = median(d);
  double threshold = std::log10(factor) + noise;
  if (d.size() > 1) {
    std::vector<double> dev;
    for (double x : d) dev.push_back(std::abs(x - center));
    double se = 1.4826 * median(dev) / std::sqrt(static_cast<double>(d.size()));
    threshold = std::max(threshold, 2 * se);
  }
  if (center > threshold) return Verdict::worse;
  if (center < -threshold) return Verdict::better;
  return Verdict::same;
}

Comparison compare_runs(const RunData& a, const RunData& b, const Options& opt) {
  Comparison c;
  c.options = opt;
  std::map<PairKey, const ResultRow*> in_b;
  for (const auto& r : b.rows) {
    auto it = opt.solver_map.find(r.solver);
    in_b[{r.case_id, it == opt.solver_map.end() ? r.solver : it->second, r.precision}] = &r;
  }
  std::map<GroupKey, std::vector<Pair>> groups;
  std::set<PairKey> seen;
  for (const auto& r : a.rows) {
    auto it = in_b.find({r.case_id, r.solver, r.precision});
    if (it == in_b.end()) {
      ++c.only_a;
      continue;
    }
    seen.insert(it->first);
    if (r.status == "skipped" || it->second->status == "skipped") continue;
    ++c.matched;
    double k = report::plot_kappa(r);
    groups[{r.solver, r.precision, r.problem, report::kappa_bin(std::isfinite(k) ? k : 1, opt.kappa_width)}].push_back(
        {&r, it->second});
  }
  c.only_b = static_cast<int>(in_b.size() - seen.size());
  if (seen.empty())
    throw InputError(a.dir + " and " + b.dir,
                     fmt::format("the two runs have nothing in common: no case x solver x precision is in both "
                                 "(studies '{}' and '{}'); compare runs of the same study, or map solver names "
                                 "with --map B_SOLVER=A_SOLVER",
                                 meta_str(a, "study", "name"), meta_str(b, "study", "name")));
  if (c.matched == 0)
    throw InputError(a.dir + " and " + b.dir, "every row the two runs share was skipped: nothing to compare");

  for (const auto& [key, pairs] : groups) {
    Row row;
    std::tie(row.solver, row.precision, row.problem, row.kappa_bin) = key;
    row.pairs = static_cast<int>(pairs.size());
    double u = report::unit_roundoff(row.precision);
    double floor = std::isfinite(u) ? u : 0;
    std::vector<double> d_err, d_time, ea, eb, ta, tb, spread;
    for (const Pair& p : pairs) {
      bool oka = p.a->status == "ok", okb = p.b->status == "ok";
      if (oka && !okb) ++row.newly_failed;
      if (!oka && okb) ++row.newly_ok;
      if (!oka || !okb) continue;
      row.contended_pairs += p.a->jobs > 1 || p.b->jobs > 1;
      double fa = p.a->forward_error, fb = p.b->forward_error;
      if (std::isfinite(fa) && std::isfinite(fb)) {
        // Below u the difference is rounding noise, not a change of method.
        d_err.push_back(std::log10(std::max(fb, floor) / std::max(fa, floor)));
        ea.push_back(fa);
        eb.push_back(fb);
      }
      double sa = p.a->time_s, sb = p.b->time_s;
      if (std::isfinite(sa) && std::isfinite(sb) && sa > 0 && sb > 0) {
        d_time.push_back(std::log10(sb / sa));
        ta.push_back(sa);
        tb.push_back(sb);
        double s = std::max(std::isfinite(p.a->time_spread) ? p.a->time_spread : 0,
                            std::isfinite(p.b->time_spread) ? p.b->time_spread : 0);
        spread.push_back(std::log10(1 + s));
      }
    }
    row.ok_pairs = static_cast<int>(d_err.size());
    row.error_a = median(ea);
    row.error_b = median(eb);
    row.error_change = d_err.empty() ? std::nan("") : std::pow(10.0, median(d_err));
    row.error_verdict = row.newly_failed > row.newly_ok   ? Verdict::worse
                        : row.newly_ok > row.newly_failed ? Verdict::better
                                                          : judge(d_err, opt.error_factor);
    row.time_a = median(ta);
    row.time_b = median(tb);
    row.time_change = d_time.empty() ? std::nan("") : std::pow(10.0, median(d_time));
    // With one timed repetition per row and fewer than 3 pairs nothing tells timer noise
    // from a change: no time verdict then.
    bool spread_known = std::all_of(pairs.begin(), pairs.end(),
                                    [](const Pair& p) { return p.a->repetitions > 1 && p.b->repetitions > 1; });
    row.time_verdict = (d_time.size() >= 3 || spread_known) && row.contended_pairs == 0
                           ? judge(d_time, opt.time_factor, spread.empty() ? 0 : median(spread))
                           : Verdict::same;
    c.rows.push_back(row);
  }
  return c;
}

std::string markdown(const Comparison& c, const RunData& a, const RunData& b) {
  int worse = 0, better = 0, slower = 0, faster = 0;
  for (const auto& r : c.rows) {
    worse += r.error_verdict == Verdict::worse;
    better += r.error_verdict == Verdict::better;
    slower += r.time_verdict == Verdict::worse;
    faster += r.time_verdict == Verdict::better;
  }
  std::string md = "# condbench compare\n\n";
  md += fmt::format("- A: {}\n  {}\n- B: {}\n  {}\n", run_label(a), report::context_line(a.meta), run_label(b),
                    report::context_line(b.meta));
  md += fmt::format("- {} rows in both, {} only in A, {} only in B; {} groups\n", c.matched, c.only_a, c.only_b,
                    c.rows.size());
  md += fmt::format("- error: {} worse, {} better; time: {} slower, {} faster\n\n", worse, better, slower, faster);
  md += "| solver | prec | problem | κ range | pairs | error A | error B | error B/A | error | time A | time B | "
        "time B/A | time |\n|---|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|\n";
  for (const auto& r : c.rows) {
    auto mark = [](Verdict v, const char* word_better, const char* word_worse) {
      return v == Verdict::worse ? fmt::format("**{}**", word_worse)
             : v == Verdict::better ? std::string(word_better)
                                    : std::string("same");
    };
    std::string ev = mark(r.error_verdict, "better", "worse");
    if (r.newly_failed) ev += fmt::format(" ({} new failures)", r.newly_failed);
    if (r.newly_ok) ev += fmt::format(" ({} now ok)", r.newly_ok);
    if (r.ok_pairs == 0 && !r.newly_failed && !r.newly_ok) ev += " (no solve ok in both)";
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.solver, r.precision,
                      r.problem, report::kappa_bin_label(r.kappa_bin, c.options.kappa_width), r.pairs,
                      err_text(r.error_a), err_text(r.error_b), ratio_text(r.error_change), ev, time_text(r.time_a),
                      time_text(r.time_b), ratio_text(r.time_change),
                      r.contended_pairs ? std::string("none (timed beside other cases: jobs > 1)")
                                        : mark(r.time_verdict, "faster", "slower"));
  }
  md += fmt::format(
      "\nRows pair the same case x solver x precision in A and B. Per group: the median of the per-pair ratios B/A "
      "(errors floored at u). Verdict: worse/better when the median log ratio exceeds both log10({}) for errors "
      "(log10({}) plus the repetitions' spread for times) and twice its robust standard error across the pairs "
      "(seeds, sizes); a group with more new failures than recoveries is worse. Times get a verdict only with 3 "
      "pairs or more, or with repeated timings (study repetitions > 1) in both runs, and never when a row was timed "
      "while other cases ran beside it (the jobs column > 1: run timing studies with --jobs 1).\n",
      c.options.error_factor, c.options.time_factor);
  return md;
}

std::string html(const Comparison& c, const RunData& a, const RunData& b, const report::WebAssets& assets) {
  using report::html_escape;
  json pts = json::array();
  for (const auto& r : c.rows)
    if (std::isfinite(r.error_a) && std::isfinite(r.error_b))
      pts.push_back({{"solver", r.solver},
                     {"precision", r.precision},
                     {"problem", r.problem},
                     {"kappa", report::kappa_bin_label(r.kappa_bin, c.options.kappa_width)},
                     {"ea", std::max(r.error_a, 1e-30)},
                     {"eb", std::max(r.error_b, 1e-30)},
                     {"verdict", to_string(r.error_verdict)}});
  json tooltip = {{{"field", "solver"}}, {{"field", "precision"}}, {{"field", "problem"}},
                  {{"field", "kappa"}, {"title", "κ range"}}, {{"field", "ea"}, {"title", "error A"}, {"format", ".2e"}},
                  {{"field", "eb"}, {"title", "error B"}, {"format", ".2e"}}, {{"field", "verdict"}}};
  json diag = {{"data", {{"values", {{{"v", 1e-18}}, {{"v", 1e6}}}}}},
               {"mark", {{"type", "line"}, {"color", "#999"}, {"strokeDash", {4, 3}}, {"clip", true}}},
               {"encoding",
                {{"x", {{"field", "v"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}}},
                 {"y", {{"field", "v"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}}}}}};
  json points = {
      {"name", "cmp_pts"},
      {"data", {{"values", pts}}},
      {"mark", {{"type", "point"}, {"filled", true}, {"size", 45}}},
      {"encoding",
       {{"x", {{"field", "ea"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}, {"title", "median error, A"},
               {"axis", {{"format", ".0e"}}}}},
        {"y", {{"field", "eb"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}, {"title", "median error, B"},
               {"axis", {{"format", ".0e"}}}}},
        {"color", {{"field", "verdict"}, {"type", "nominal"},
                   {"scale", {{"domain", {"better", "same", "worse"}}, {"range", {"#54a24b", "#9d9d9d", "#e45756"}}}}}},
        {"shape", {{"field", "precision"}, {"type", "nominal"}}},
        {"tooltip", tooltip}}}};
  json spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
               {"width", 420}, {"height", 340},
               {"title", "Median forward error per group: B against A (dashed: no change)"},
               {"layer", {points, diag}}};

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>condbench compare</title>\n";
  h += "<style>body{font:14px/1.45 system-ui,\"DejaVu Sans\",sans-serif;margin:0 auto;max-width:1200px;padding:16px "
       "24px;color:#222}table{border-collapse:collapse;font-size:12.5px}th,td{border:1px solid #ddd;padding:2px 7px}"
       "td.num{text-align:right;font-variant-numeric:tabular-nums}.worse{background:#fde0dc;font-weight:600}"
       ".better{background:#e3f4e3}.same{color:#666}.note{color:#555;font-size:12.5px;max-width:1000px}</style>\n";
  h += report::vega_scripts(assets);
  h += "</head><body>\n<h1>condbench compare</h1>\n";
  h += fmt::format("<p><b>A</b>: {}<br><small>{}</small><br><b>B</b>: {}<br><small>{}</small></p>\n",
                   html_escape(run_label(a)), html_escape(report::context_line(a.meta)), html_escape(run_label(b)),
                   html_escape(report::context_line(b.meta)));
  h += fmt::format("<p>{} rows in both runs, {} only in A, {} only in B.</p>\n", c.matched, c.only_a, c.only_b);
  h += "<div id=\"fig-compare\"></div>\n<table><thead><tr><th>solver</th><th>prec</th><th>problem</th><th>κ range</th>"
       "<th>pairs</th><th>error A</th><th>error B</th><th>B/A</th><th>error</th><th>time A</th><th>time B</th>"
       "<th>B/A</th><th>time</th></tr></thead><tbody>\n";
  for (const auto& r : c.rows) {
    const char* tv = r.contended_pairs                     ? "none (jobs > 1)"
                     : r.time_verdict == Verdict::worse  ? "slower"
                     : r.time_verdict == Verdict::better ? "faster"
                                                         : "same";
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{}</td>"
                     "<td class=num>{}</td><td class=num>{}</td><td class=\"{}\">{}</td><td class=num>{}</td>"
                     "<td class=num>{}</td><td class=num>{}</td><td class=\"{}\">{}</td></tr>\n",
                     html_escape(r.solver), r.precision, html_escape(r.problem),
                     report::kappa_bin_label(r.kappa_bin, c.options.kappa_width), r.pairs, err_text(r.error_a),
                     err_text(r.error_b), ratio_text(r.error_change), to_string(r.error_verdict),
                     verdict_text(r.error_verdict, r.newly_failed, r.newly_ok, r.ok_pairs), time_text(r.time_a),
                     time_text(r.time_b), ratio_text(r.time_change), to_string(r.time_verdict), tv);
  }
  h += "</tbody></table>\n";
  h += fmt::format("<p class=note>Verdicts: the median per-pair log ratio B/A must exceed log10({}) for errors "
                   "(log10({}) plus the repetitions' spread for times) and twice its robust standard error across "
                   "the pairs of the group (seeds, sizes). More new failures than recoveries: worse.</p>\n",
                   c.options.error_factor, c.options.time_factor);
  h += "<script>window.condbenchReady = vegaEmbed('#fig-compare', " + report::json_for_script(spec) +
       ", {renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}}).then(() => "
       "['compare']);</script>\n</body></html>\n";
  return h;
}

}  // namespace condbench::compare
