#include "reports/regress/regress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace condbench::regress {
namespace {

std::string fig(double log10_value) { return fmt::format("{:.3g}", std::pow(10.0, log10_value)); }

std::string status_text(int ok, int failed) {
  return failed == 0 ? fmt::format("ok {}/{}", ok, ok) : fmt::format("failed {}/{}", failed, ok + failed);
}

Check error_check(const char* measure, const LogStat& base, const LogStat& now, double floor, double pooled_sd,
                  const ToleranceModel& t) {
  Check c;
  c.measure = measure;
  double b = std::max(base.center, floor), n = std::max(now.center, floor);
  double shift = n - b;
  double tol = t.tolerance_decades(std::max(base.sd, pooled_sd), base.count, now.count);
  c.baseline = fig(base.center);
  c.now = fig(now.center);
  c.factor = std::pow(10.0, shift);
  c.allowed = std::pow(10.0, tol);
  c.verdict = shift > tol ? Verdict::fail : shift > t.marginal * tol ? Verdict::marginal : Verdict::pass;
  return c;
}

Check status_check(const GroupSummary& b, const GroupSummary* g, const Spread& pooled, const ToleranceModel& t,
                   const RegressOptions& opt) {
  Check c;
  c.measure = "status";
  c.baseline = status_text(b.ok, b.failed);
  if (!g) {
    if (auto fk = opt.family_kind.find(b.key.family); fk != opt.family_kind.end()) {
      auto sk = opt.skipped.find({b.key.solver, b.key.precision, fk->second});
      if (sk != opt.skipped.end()) {
        c.now = "skipped";
        c.note = sk->second;
        c.verdict = Verdict::fail;
        return c;
      }
    }
    c.now = "not in this run";
    c.verdict = Verdict::missing;
    return c;
  }
  int b_runs = b.ok + b.failed, n_runs = g->ok + g->failed;
  if (n_runs == 0) {
    c.now = "skipped";
    c.note = g->reason;
    c.verdict = Verdict::fail;
    return c;
  }
  c.now = status_text(g->ok, g->failed);
  c.note = g->failed ? g->reason : "";
  if (b.ok == 0 || g->failed * b_runs <= b.failed * n_runs) return c;  // failed always, or no more often
  double p = std::max(static_cast<double>(b.failed) / b_runs, pooled.failure_rate);
  c.verdict = ToleranceModel::binomial_tail(g->failed, n_runs, p) < t.failure_alpha ? Verdict::fail
                                                                                     : Verdict::marginal;
  return c;
}

Verdict worse(Verdict a, Verdict b) {
  auto rank = [](Verdict v) {
    switch (v) {
      case Verdict::pass: return 0;
      case Verdict::new_group: return 1;
      case Verdict::marginal: return 2;
      case Verdict::missing: return 3;
      case Verdict::fail: return 4;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

GroupResult compare_group(const Baseline& base, const GroupSummary& b, const GroupSummary* g,
                          const RegressOptions& opt) {
  GroupResult r;
  r.key = b.key;
  const ToleranceModel& t = base.tolerance;
  auto it = base.spread.find(spread_key(b.key.solver, b.key.precision));
  Spread pooled = it == base.spread.end() ? Spread{} : it->second;
  r.checks.push_back(status_check(b, g, pooled, t, opt));
  if (r.checks.back().verdict == Verdict::missing && !opt.allow_missing) r.checks.back().verdict = Verdict::fail;
  bool saturated = b.max_forward_error >= t.saturation;
  if (g && b.ok > 0 && g->ok > 0 && !saturated) {
    r.checks.push_back(error_check("forward_error/(u*kappa)", b.fe, g->fe, t.forward_floor(b.n, b.kappa.center),
                                   pooled.forward, t));
    r.checks.push_back(error_check("backward_error/u", b.be, g->be, t.backward_floor(b.n), pooled.backward, t));
  }
  for (const Check& c : r.checks) r.verdict = worse(r.verdict, c.verdict);
  if (r.verdict == Verdict::missing && !opt.allow_missing) r.verdict = Verdict::fail;
  return r;
}

}  // namespace

void add_skips(RegressOptions& opt, const nlohmann::ordered_json& run_json, const std::vector<ResultRow>& rows) {
  for (const auto& g : run_json.value("skipped", nlohmann::ordered_json::object())
                           .value("groups", nlohmann::ordered_json::array()))
    opt.skipped[{g.value("solver", ""), g.value("precision", ""), g.value("kind", "")}] = g.value("reason", "");
  for (const ResultRow& r : rows) opt.family_kind.emplace(family_of(r.case_id), r.kind);
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "PASS";
    case Verdict::marginal: return "MARGINAL";
    case Verdict::fail: return "FAIL";
    case Verdict::new_group: return "NEW";
    case Verdict::missing: return "MISSING";
  }
  return "?";
}

int RegressReport::count(Verdict v) const {
  return static_cast<int>(std::count_if(groups.begin(), groups.end(), [v](const GroupResult& g) {
    return g.verdict == v;
  }));
}

RegressReport compare(const Baseline& base, const std::map<GroupKey, GroupSummary>& now, const RegressOptions& opt) {
  RegressReport rep;
  for (const auto& [key, b] : base.groups) {
    auto it = now.find(key);
    rep.groups.push_back(compare_group(base, b, it == now.end() ? nullptr : &it->second, opt));
  }
  for (const auto& [key, g] : now) {
    if (base.groups.count(key) || g.ok + g.failed == 0) continue;
    GroupResult r;
    r.key = key;
    r.verdict = Verdict::new_group;
    r.checks.push_back(Check{"status", Verdict::new_group, "not in baseline", status_text(g.ok, g.failed), 0, 0,
                             g.failed ? g.reason : ""});
    rep.groups.push_back(r);
  }
  return rep;
}

std::string format_report(const RegressReport& r, bool verbose) {
  struct Line {
    std::vector<std::string> cells;
  };
  std::vector<Line> lines;
  lines.push_back({{"verdict", "solver", "prec", "family", "kappa", "measure", "baseline", "now", "change",
                    "allowed", "note"}});
  auto add = [&](const GroupResult& g, const Check& c) {
    bool err = c.factor > 0;
    lines.push_back({{to_string(c.verdict), g.key.solver, g.key.precision, g.key.family, g.key.kappa_range,
                      c.measure, c.baseline, c.now, err ? fmt::format("x{:.3g}", c.factor) : "",
                      err ? fmt::format("x{:.3g}", c.allowed) : "", c.note}});
  };
  // Worst first, then in key order.
  for (Verdict v : {Verdict::fail, Verdict::missing, Verdict::marginal, Verdict::new_group, Verdict::pass})
    for (const GroupResult& g : r.groups)
      for (const Check& c : g.checks)
        if (c.verdict == v && (verbose || v != Verdict::pass)) add(g, c);
  std::string out;
  if (lines.size() > 1) {
    std::vector<std::size_t> width(lines[0].cells.size(), 0);
    for (const Line& l : lines)
      for (std::size_t i = 0; i < l.cells.size(); ++i) width[i] = std::max(width[i], l.cells[i].size());
    for (const Line& l : lines) {
      std::string row;
      for (std::size_t i = 0; i < l.cells.size(); ++i) {
        bool right = i >= 6 && i <= 9;  // figures right-aligned
        row += (i ? "  " : "") + (right ? fmt::format("{:>{}}", l.cells[i], width[i])
                                        : fmt::format("{:<{}}", l.cells[i], width[i]));
      }
      while (!row.empty() && row.back() == ' ') row.pop_back();
      out += row + "\n";
    }
    out += "\n";
  }
  int total = static_cast<int>(r.groups.size());
  out += fmt::format("{}: {} groups: {} PASS, {} MARGINAL, {} FAIL, {} NEW (not in baseline, not checked), {} "
                     "MISSING (reported only)\n",
                     r.failed() ? "REGRESSION" : "accuracy holds", total, r.count(Verdict::pass),
                     r.count(Verdict::marginal), r.count(Verdict::fail), r.count(Verdict::new_group),
                     r.count(Verdict::missing));
  return out;
}

}  // namespace condbench::regress
