#include "reports/report/ir_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "reports/common/escape.hpp"
#include "reports/report/report.hpp"
#include "studies/reference/kappa_inf.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/study.hpp"

namespace condbench::report {
namespace {

double unit(const std::string& p) {
  if (p == "fp16" || p == "tf32") return 0x1p-11;
  if (p == "bf16") return 0x1p-8;
  if (p == "f32") return 0x1p-24;
  if (p == "f64") return 0x1p-53;
  if (p == "dd") return 0x1p-106;
  if (p == "quad") return 0x1p-113;
  return std::nan("");
}

// Carson & Higham's letters: H(alf), B(float16), T(F32), S(ingle), D(ouble), Q(uad); dd spelled out.
std::string letter(const std::string& p) {
  static const std::map<std::string, std::string> l{{"fp16", "H"}, {"bf16", "B"}, {"tf32", "T"}, {"f32", "S"},
                                                    {"f64", "D"},  {"quad", "Q"}, {"dd", "dd"}};
  auto it = l.find(p);
  return it == l.end() ? p : it->second;
}

int rank(const std::string& p) {
  static const std::vector<std::string> order{"fp16", "bf16", "tf32", "f32", "f64", "dd", "quad"};
  return static_cast<int>(std::find(order.begin(), order.end(), p) - order.begin());
}

// What one row says about refinement.
struct Solve {
  std::string case_id, method, uf, u, ur, up;
  bool stopped_converged = false;  // the solver's own test (dsgesv: no fallback)
  int steps = -1, gmres_iterations = -1;
  bool gmres_capped = false;
  std::string stop;  // why it did not stop as converged
  const ResultRow* row = nullptr;
};

std::optional<Solve> read_solve(const ResultRow& r) {
  Solve s;
  s.row = &r;
  s.case_id = r.case_id;
  s.u = r.precision;
  if (r.solver == "lapack.dsgesv") {
    s.method = "dsgesv";
    s.uf = "f32";
    s.ur = "f64";
    s.stopped_converged = r.status == "ok" && !r.fallback && r.iterations >= 0;
    s.steps = r.iterations;
    s.stop = r.status != "ok" ? r.reason : r.note.substr(0, r.note.find(':'));
    return s;
  }
  // Square refinement only: the least-squares solvers (ir.qr:, ir.qrgmres:) have their own table.
  if (r.solver.rfind("ir.lu:", 0) != 0 && r.solver.rfind("ir.gmres:", 0) != 0) return std::nullopt;
  nlohmann::json f = nlohmann::json::parse(r.facts, nullptr, false);
  if (!f.is_object() || !f.contains("uf")) return std::nullopt;  // failed before refining (bad precision)
  s.method = r.solver.rfind("ir.gmres:", 0) == 0 ? "GMRES-IR" : "LU-IR";
  s.uf = f.value("uf", "");
  s.ur = f.value("ur", "");
  s.up = f.value("up", "");
  s.stop = f.value("stop", r.reason);
  s.stopped_converged = r.status == "ok" && s.stop == "converged";
  s.steps = f.value("steps", -1);
  s.gmres_iterations = f.value("gmres_iterations", -1);
  s.gmres_capped = f.value("gmres_capped", 0) > 0;
  return s;
}

// kappa_inf of the stored matrices, from the cases regenerated out of the study text in run.json.
class KappaInf {
 public:
  KappaInf(const RunData& run, const std::set<std::string>& case_ids) {
    if (!run.meta.contains("study") || !run.meta["study"].contains("text")) {
      error_ = "run.json keeps no study text";
      return;
    }
    try {
      const Study study = parse_study(run.meta["study"]["text"].get<std::string>(),
                                      run.meta["study"].value("path", std::string("study")));
      for (const ProblemSpec& spec : study.problems)
        for (std::uint64_t seed : study.seeds) {
          const std::string suffix = fmt::format(":{}x{}:s{}", spec.m, spec.n, seed);
          const bool wanted = std::any_of(case_ids.begin(), case_ids.end(), [&](const std::string& id) {
            return id.size() > suffix.size() && id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0;
          });
          if (!wanted) continue;
          Problem p = spec.generator->generate(spec.params, spec.m, spec.n, seed);
          if (case_ids.count(p.case_id)) stored_[p.case_id] = std::move(p.A);
        }
    } catch (const InputError& e) {
      error_ = std::string("the study in run.json does not parse here: ") + e.what();
    } catch (const std::exception& e) {
      error_ = std::string("regenerating the cases failed: ") + e.what();
    }
  }

  const std::string& error() const { return error_; }

  // kappa_inf of the case as stored in the row's precision; NaN when the case could not be regenerated.
  double of(const ResultRow& r) {
    const std::string key = r.case_id + "|" + r.precision;
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    double k = std::nan("");
    if (auto it = stored_.find(r.case_id); it != stored_.end() && it->second.n_rows == it->second.n_cols) {
      const arma::mat a = r.precision == "f32"
                              ? arma::conv_to<arma::mat>::from(arma::conv_to<arma::fmat>::from(it->second))
                              : it->second;
      k = ref::kappa_inf(a, r.kappa);
    }
    return memo_[key] = k;
  }

 private:
  std::map<std::string, arma::mat> stored_;
  std::map<std::string, double> memo_;
  std::string error_;
};

bool ur_extra(const Solve& s) { return unit(s.ur) < unit(s.u); }

void set_theory(IrRegion& g, const Solve& s) {
  const double uf = unit(s.uf), u = unit(s.u), up = unit(s.up);
  if (s.method == "LU-IR" || s.method == "dsgesv") {
    g.formula = 1 / uf;
    g.formula_rule = "1/u_f";
  } else if (up <= u * u) {
    g.formula = 1 / (std::sqrt(u) * uf);
    g.formula_rule = "u^-1/2 u_f^-1";
  } else if (up == u) {
    g.formula = std::cbrt(1 / (u * uf * uf));
    g.formula_rule = "(u u_f^2)^-1/3";
  }
  // The published bounds are for an extra-precise residual (u_r < u), where converging means a forward error
  // of order u; with u_r = u refinement converges to a backward error of order u, a different region.
  const bool h = s.uf == "fp16" && ur_extra(s);
  if (h && s.u == "f32" && s.ur == "f64" && s.method != "dsgesv") {
    g.published = s.method == "LU-IR" ? 1e4 : 1e8;
    g.published_source = "Carson & Higham 2018, abstract";
  } else if (h && s.u == "f64" && s.method == "LU-IR") {
    g.published = 2e3;
    g.published_source = "Amestoy et al. 2024, worked example";
  } else if (h && s.u == "f64" && s.method == "GMRES-IR" && (s.up == "quad" || s.up == "dd")) {
    g.published = 2e11;
    g.published_source = "Amestoy et al. 2024, worked example (products in quad)";
  } else if (h && s.u == "f64" && s.method == "GMRES-IR" && s.up == "f64") {
    g.published = 3e7;
    g.published_source = "Amestoy et al. 2024, worked example (products in double)";
  }
}

std::string variant_label(const Solve& s) {
  if (s.method == "dsgesv") return "LAPACK dsgesv (S,D,D)";
  std::string l = fmt::format("{} ({},{},{})", s.method, letter(s.uf), letter(s.u), letter(s.ur));
  if (!s.up.empty()) l += ", u_p " + s.up;
  return l;
}

}  // namespace

IrTable ir_regions(const RunData& run) {
  IrTable t;
  using Key = std::tuple<int, int, int, int, int, std::string, std::string, std::string>;
  std::map<Key, std::vector<Solve>> groups;
  std::set<std::string> case_ids;
  for (const ResultRow& r : run.rows) {
    if (r.status == "skipped") continue;
    std::optional<Solve> s = read_solve(r);
    if (!s) continue;
    const int method = s->method == "LU-IR" ? 0 : s->method == "GMRES-IR" ? 1 : 2;
    groups[Key{method, rank(s->u), rank(s->uf), rank(s->ur), rank(s->up), r.solver, r.problem, r.precision}].push_back(
        *s);
    case_ids.insert(r.case_id);
  }
  // dsgesv rows join the table beside the refinement solvers; alone they make none.
  if (std::none_of(groups.begin(), groups.end(), [](const auto& g) { return std::get<0>(g.first) < 2; })) return t;
  KappaInf kinf(run, case_ids);
  if (!kinf.error().empty()) {
    t.kappa_name = "κ₂";
    t.kappa_note = "κ∞ could not be measured (" + kinf.error() + "): the table shows the measured κ₂ instead.";
  }
  auto kappa_of = [&](const Solve& s) { return kinf.error().empty() ? kinf.of(*s.row) : s.row->kappa; };

  for (auto& [key, solves] : groups) {
    IrRegion g;
    const Solve& first = solves.front();
    g.variant = variant_label(first);
    g.solver = first.row->solver;
    g.precision = first.u;
    g.problem = first.row->problem;
    g.solves = static_cast<int>(solves.size());
    set_theory(g, first);
    g.backward_only = !ur_extra(first);
    const double u = unit(first.u), ur = unit(first.ur);
    const double n = first.row->n;
    // Converged to its limiting accuracy: stopped as converged with an infinity-norm forward error within Carson
    // & Higham's u + 4 n u_r cond(A, x), cond(A, x) <= kappa_inf, plus one u for the rounding of x.
    std::map<double, std::vector<std::pair<const Solve*, bool>>> levels;
    // kappa_2 / n <= kappa_inf <= n kappa_2 decides most cases without measuring kappa_inf.
    const auto within_limit = [&](const Solve& s) {
      const double fe = s.row->forward_error_inf, k2 = s.row->kappa;
      if (fe <= 2 * u + 4 * ur * k2) return true;
      if (fe > 2 * u + 4 * n * n * ur * k2) return false;
      return fe <= 2 * u + 4 * n * ur * kappa_of(s);
    };
    for (const Solve& s : solves) {
      const bool ok = s.stopped_converged && within_limit(s);
      if (s.stopped_converged && !ok) ++g.false_stops;
      levels[s.row->kappa_nominal].emplace_back(&s, ok);
    }
    auto it = levels.begin();
    while (it != levels.end() &&
           std::all_of(it->second.begin(), it->second.end(), [](const auto& c) { return c.second; }))
      ++it;
    if (it != levels.begin()) {
      for (const auto& [s, ok] : std::prev(it)->second) {
        g.top = std::max(g.top.value_or(0), kappa_of(*s));
        g.steps = std::max(g.steps, s->steps);
        g.gmres_iterations = std::max(g.gmres_iterations, s->gmres_iterations);
        g.gmres_capped = g.gmres_capped || s->gmres_capped;
        g.forward_error = std::max(g.forward_error, s->row->forward_error_inf);
      }
    }
    if (it != levels.end()) {
      for (const auto& [s, ok] : it->second)
        if (!ok) {
          const double k = kappa_of(*s);
          if (!g.first_failure || k < *g.first_failure) {
            g.first_failure = k;
            g.failure_reason = s->stopped_converged ? "error above the limiting accuracy" : s->stop;
          }
        }
      for (; it != levels.end(); ++it)
        for (const auto& [s, ok] : it->second) ++g.solves_above, g.converged_above += ok;
    }
    t.lines.push_back(std::move(g));
  }
  return t;
}

namespace {

std::string kappa_text(std::optional<double> k) { return k ? format_kappa(*k) : "—"; }

std::string steps_text(const IrRegion& g) {
  if (!g.top) return "—";
  std::string s = std::to_string(g.steps);
  if (g.gmres_iterations >= 0) s += fmt::format(" ({}{})", g.gmres_iterations, g.gmres_capped ? ", cap" : "");
  return s;
}

std::string failure_text(const IrRegion& g) {
  if (!g.first_failure) return "none up to the largest κ";
  std::string s = fmt::format("{} ({})", format_kappa(*g.first_failure), g.failure_reason);
  if (g.converged_above > 0) s += fmt::format("; {} of {} solves above converged", g.converged_above, g.solves_above);
  return s;
}

std::string bound_text(double b) { return b > 0 ? format_kappa(b) : "—"; }

// The measurement against the theory, in decades; where it disagrees with the published bound, it says so.
std::string verdict(const IrRegion& g) {
  if (!g.top) return "never converged";
  std::string s;
  const auto decades = [](double d) { return std::round(d * 10) / 10 + 0.0; };  // no "-0.0"
  if (g.formula > 0) s = fmt::format("{:+.1f} decades from the formula", decades(std::log10(*g.top / g.formula)));
  if (g.published > 0) {
    const double d = std::log10(*g.top / g.published);
    s += s.empty() ? "" : "; ";
    s += std::abs(d) <= 1 ? "within a decade of the published bound"
                          : fmt::format("{:.1f} decades {} the published bound: the measurement stands", std::abs(d),
                                        d < 0 ? "below" : "above");
  }
  if (g.backward_only) s += "; u_r = u: converged means backward stable (forward error ~ cond(A,x) u)";
  if (g.gmres_capped) s += "; GMRES reached its cap there: it acted as a direct solver";
  return s;
}

std::string md_escape(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

std::string rule(const IrTable& t) {
  const std::string k = t.kappa_name;
  std::string r = fmt::format(
      "Converged up to {0}: the largest {0} of the last κ level (from the smallest, without a gap) at which every "
      "solve stopped as converged with an ∞-norm forward error within the limiting accuracy 2u + 4n·u_r·{0} "
      "(Carson & Higham: u + 4p·u_r·cond(A,x), p = n, cond(A,x) ≤ κ∞, one more u for rounding x). Steps (GMRES "
      "iterations): the most a solve at that level needed; \"cap\": GMRES reached its iteration cap in some step "
      "(with cap n it then acts as a direct solver). First failure: the smallest {0} of a solve at the next level "
      "that did not converge, and why. Formula: κ∞ ≲ 1/u_f (LU-IR), u^-1/2·u_f^-1 (GMRES-IR, products in u²), "
      "(u·u_f²)^-1/3 (products in u), constants dropped: expect failure one to two decades earlier. Published: "
      "Carson & Higham 2018's abstract, and the worked example of Amestoy et al. 2024 (five-precision GMRES-IR). "
      "Where measurement and publication disagree, the measurement stands. With u_r = u (fixed-precision "
      "refinement: (H,S,S), (H,D,D), (S,D,D), dsgesv) refinement converges to a backward error of order u and the "
      "forward error stays near cond(A,x)·u: the published bounds, for u_r < u, are not set beside those rows. False "
      "stops: solves that stopped as "
      "converged with an error above the limiting accuracy. {0} is measured on each stored matrix.",
      k);
  if (!t.kappa_note.empty()) r += " " + t.kappa_note;
  return r;
}

}  // namespace

std::string ir_table_markdown(const IrTable& t) {
  if (t.lines.empty()) return "";
  const std::string k = t.kappa_name;
  std::string md = "\n## Convergence regions of iterative refinement (Carson & Higham)\n\n";
  md += fmt::format(
      "| variant | solver | precision | problem | converged up to {0} | steps (GMRES its) there | max "
      "fe∞ there | first failure at {0} | formula {0} | published {0} | measured against theory | false "
      "stops |\n|---|---|---|---|---:|---:|---:|---|---:|---:|---|---:|\n",
      k);
  for (const IrRegion& g : t.lines)
    md += fmt::format("| {} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", md_escape(g.variant),
                      g.solver, g.precision, md_escape(g.problem), kappa_text(g.top), steps_text(g),
                      g.top ? fmt::format("{:.1e}", g.forward_error) : "—", md_escape(failure_text(g)),
                      bound_text(g.formula),
                      g.published > 0 ? fmt::format("{} ({})", format_kappa(g.published), g.published_source) : "—",
                      md_escape(verdict(g)), g.false_stops);
  md += "\n" + rule(t) + "\n";
  return md;
}

namespace {

struct Published {
  const char* solver;
  const char* precision;
  std::vector<std::pair<double, const char*>> cells;
};

// Carson, Higham & Pranesh 2020 (their code's output lsqr_randsvd_ir_steps.txt: m = 100, n = 10, randsvd mode 3,
// one matrix per kappa, at most 20 steps; GMRES tolerance 1e-12 for half/double/quad, 1e-6 for half/single/double).
const std::vector<Published>& published_ls() {
  static const std::vector<Published> p{
      {"ir.qr:uf=fp16:ur=quad",
       "f64",
       {{1e2, "13"}, {1e4, "Inf"}, {1e7, "Inf"}, {1e9, "Inf"}, {1e10, "Inf"}, {1e11, "Inf"}, {1e12, "Inf"}}},
      {"ir.qrgmres:uf=fp16:ur=quad",
       "f64",
       {{1e2, "2 (16)"},
        {1e4, "2 (26)"},
        {1e7, "2 (49)"},
        {1e9, "3 (153)"},
        {1e10, "4 (292)"},
        {1e11, "7 (491)"},
        {1e12, "Inf"}}},
      {"ir.qr:uf=fp16:ur=f64",
       "f32",
       {{1e3, "11"}, {1e4, "Inf"}, {1e5, "Inf"}, {1e6, "Inf"}, {1e7, "Inf"}, {1e8, "Inf"}}},
      {"ir.qrgmres:uf=fp16:ur=f64",
       "f32",
       {{1e3, "2 (12)"}, {1e4, "2 (20)"}, {1e5, "2 (80)"}, {1e6, "5 (292)"}, {1e7, "12 (724)"}, {1e8, "Inf"}}}};
  return p;
}

std::string median_int(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return std::to_string(v[v.size() / 2]);
}

}  // namespace

LsTable ls_steps(const RunData& run) {
  LsTable t;
  std::map<std::pair<std::string, std::string>, std::map<double, std::vector<const ResultRow*>>> groups;
  std::set<double> kappas;
  for (const ResultRow& r : run.rows) {
    if (r.status == "skipped" || (r.solver.rfind("ir.qr:", 0) != 0 && r.solver.rfind("ir.qrgmres:", 0) != 0)) continue;
    groups[{r.solver, r.precision}][r.kappa_nominal].push_back(&r);
    kappas.insert(r.kappa_nominal);
  }
  t.kappas.assign(kappas.begin(), kappas.end());
  for (const auto& [key, levels] : groups) {
    LsTable::Line line{key.first, key.second, false, {}};
    for (double k : t.kappas) {
      auto it = levels.find(k);
      if (it == levels.end()) {
        line.cells.emplace_back();
        continue;
      }
      std::vector<int> steps, its;
      double worst_fe = 0;
      for (const ResultRow* r : it->second) {
        if (r->status != "ok") continue;
        worst_fe = std::max(worst_fe, r->forward_error);
        const nlohmann::json f = nlohmann::json::parse(r->facts, nullptr, false);
        steps.push_back(f.is_object() ? f.value("steps", -1) : -1);
        if (f.is_object() && f.contains("gmres_iterations")) its.push_back(f["gmres_iterations"].get<int>());
      }
      std::string c = steps.empty() ? "Inf" : median_int(steps) + (its.empty() ? "" : " (" + median_int(its) + ")");
      if (!steps.empty() && steps.size() < it->second.size())
        c += fmt::format(" [{} of {}]", steps.size(), it->second.size());
      const double u = key.second == "f32" ? 0x1p-24 : 0x1p-53;
      if (!(worst_fe <= 10 * u)) c += fmt::format(" fe {:.0e}", worst_fe);
      line.cells.push_back(c);
    }
    t.lines.push_back(line);
    for (const Published& p : published_ls()) {
      if (key.first != p.solver || key.second != p.precision) continue;
      LsTable::Line pub{key.first, key.second, true, {}};
      for (double k : t.kappas) {
        std::string c;
        for (const auto& [pk, pc] : p.cells)
          if (pk == k) c = pc;
        pub.cells.push_back(c);
      }
      t.lines.push_back(pub);
    }
  }
  return t;
}

namespace {

const char* const kLsRule =
    "Steps (total GMRES iterations) to convergence, the median over the seeds; Inf: no seed converged; [k of N]: only "
    "k seeds did; \"fe 2e-06\": the largest forward error of those that converged, where it is above 10u (the solver's "
    "test passed, "
    "the error did not reach u). \"published\" lines: Carson, Higham & Pranesh 2020 (one matrix per κ; they stop on "
    "the true "
    "error right after an update, condbench's solvers stop on the backward error and the size of the last "
    "correction, which takes one more step to see). κ is the generator's nominal κ₂.";

}  // namespace

std::string ls_table_markdown(const LsTable& t) {
  if (t.lines.empty()) return "";
  std::string md = "\n## Least-squares refinement (Carson, Higham & Pranesh)\n\n| solver | precision |";
  std::string sep = "|---|---|";
  for (double k : t.kappas) md += " κ " + format_kappa(k) + " |", sep += "---:|";
  md += "\n" + sep + "\n";
  for (const auto& l : t.lines) {
    md += fmt::format("| {}`{}` | {} |", l.published ? "published: " : "", l.solver, l.precision);
    for (const auto& c : l.cells) md += " " + c + " |";
    md += "\n";
  }
  return md + "\n" + kLsRule + "\n";
}

std::string ls_table_html(const LsTable& t) {
  if (t.lines.empty()) return "";
  std::string h =
      "<h2>Least-squares refinement (Carson, Higham &amp; Pranesh)</h2>\n<table class=\"lstable\"><thead><tr>"
      "<th>solver</th><th>precision</th>";
  for (double k : t.kappas) h += "<th>κ " + markup_escape(format_kappa(k)) + "</th>";
  h += "</tr></thead><tbody>\n";
  for (const auto& l : t.lines) {
    h += fmt::format("<tr{}><td>{}<code>{}</code></td><td>{}</td>", l.published ? " class=\"published\"" : "",
                     l.published ? "published: " : "", markup_escape(l.solver), markup_escape(l.precision));
    for (const auto& c : l.cells) h += "<td class=\"num\">" + markup_escape(c) + "</td>";
    h += "</tr>\n";
  }
  return h + "</tbody></table>\n<p class=\"rule\">" + markup_escape(kLsRule) + "</p>\n";
}

std::string ir_table_html(const IrTable& t) {
  if (t.lines.empty()) return "";
  const std::string k = markup_escape(t.kappa_name);
  std::string h = "<h2>Convergence regions of iterative refinement (Carson &amp; Higham)</h2>\n";
  h += fmt::format(
      "<table class=\"irtable\"><thead><tr><th>variant</th><th>solver</th><th>precision</th><th>problem"
      "</th><th>converged up to {0}</th><th>steps (GMRES its)</th><th>max fe∞ there</th><th>first "
      "failure at {0}</th><th>formula {0}</th><th>published {0}</th><th>measured against theory</th><th>"
      "false stops</th></tr></thead><tbody>\n",
      k);
  for (const IrRegion& g : t.lines) {
    const char* cls = !g.top                                                              ? "bad"
                      : g.published > 0 && std::abs(std::log10(*g.top / g.published)) > 1 ? "warn"
                                                                                          : "good";
    h += fmt::format(
        "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"num {}\">{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td "
        "class=\"num\" title=\"{}\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
        markup_escape(g.variant), markup_escape(g.solver), markup_escape(g.precision), markup_escape(g.problem), cls,
        markup_escape(kappa_text(g.top)), markup_escape(steps_text(g)),
        g.top ? fmt::format("{:.1e}", g.forward_error) : "—", markup_escape(failure_text(g)),
        markup_escape(bound_text(g.formula)), markup_escape(g.published_source), markup_escape(bound_text(g.published)),
        markup_escape(verdict(g)), g.false_stops);
  }
  h += "</tbody></table>\n<p class=\"rule\">" + markup_escape(rule(t)) + "</p>\n";
  return h;
}

}  // namespace condbench::report
