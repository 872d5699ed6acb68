#include "reports/report/figures.hpp"

#include "reports/report/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace condbench::report {
using json = nlohmann::json;
namespace {

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string num_text(double v) { return std::isnan(v) ? "-" : fmt::format("{:.3e}", v); }

std::string shell_word(const std::string& s) {
  bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_./:=,+-@%").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

const json kPrecisionColor = {{"domain", {"f32", "f64"}}, {"range", {"#e45756", "#4c78a8"}}};
const json kShapes = {"circle", "square", "triangle-up", "diamond", "triangle-down", "triangle-left", "wedge"};
// An x for failures, apart from every shape of a successful solve.
const char* const kCross = "M-1,-1L1,1M1,-1L-1,1";

json precision_color() {
  return {{"field", "precision"}, {"type", "nominal"}, {"title", "precision"}, {"scale", kPrecisionColor}};
}

json tooltip(const std::string& value_field, const std::string& value_title) {
  json t = json::array();
  auto f = [&](const char* field, const char* title) { t.push_back({{"field", field}, {"title", title}}); };
  f("solver", "solver");
  f("precision", "precision");
  f("generator", "generator");
  f("problem", "problem");
  f("shape", "m x n");
  f("kappa_text", "kappa (measured)");
  f("kappa_nominal_text", "kappa (nominal)");
  f("seed", "seed");
  t.push_back({{"field", value_field}, {"title", value_title}});
  f("fe_text", "forward error");
  f("be_text", "backward error");
  f("xt_text", "error vs x_true");
  f("status", "status");
  f("reason", "reason");
  f("case_id", "case");
  f("reproduce", "reproduce");
  return t;
}

struct Range {
  double lo, cap, fail;  // axis bottom, highest plotted error, where failures sit
};

// The y axis of an error figure: from a decade below the smallest error (or u) to
// the largest error (at most 1e6), with a decade on top for the failures.
Range error_range(const std::vector<ResultRow>& rows, double ResultRow::*field) {
  double lo = INFINITY, hi = 1;
  for (const auto& r : rows) {
    if (r.status != "ok") continue;
    double v = r.*field;
    lo = std::min(lo, unit_roundoff(r.precision));
    if (std::isfinite(v) && v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (!std::isfinite(lo)) lo = 1e-16;
  Range g;
  g.lo = std::pow(10.0, std::floor(std::log10(lo)) - 1);
  g.cap = std::pow(10.0, std::ceil(std::log10(std::min(hi, 1e6))));
  g.fail = g.cap * 10;
  return g;
}

std::pair<double, double> kappa_range(const std::vector<ResultRow>& rows) {
  double lo = INFINITY, hi = 1;
  for (const auto& r : rows) {
    double k = plot_kappa(r);
    if (r.status == "skipped" || !std::isfinite(k) || k <= 0) continue;
    lo = std::min(lo, k), hi = std::max(hi, k);
  }
  if (!std::isfinite(lo)) lo = 1;
  return {std::pow(10.0, std::floor(std::log10(lo))), std::pow(10.0, std::ceil(std::log10(hi) + 1e-9))};
}

// Guide lines u*kappa, u*kappa^2 and the floor u of each precision: straight on log-log
// axes, so the two ends of each suffice.
json guide_values(const std::set<std::string>& precisions, double k0, double k1, bool square) {
  json v = json::array();
  for (const auto& p : precisions) {
    double u = unit_roundoff(p);
    if (!std::isfinite(u)) continue;
    for (double k : {k0, k1}) {
      v.push_back({{"precision", p}, {"guide", "u"}, {"k", k}, {"y", u}});
      v.push_back({{"precision", p}, {"guide", "u·κ"}, {"k", k}, {"y", u * k}});
      if (square) v.push_back({{"precision", p}, {"guide", "u·κ²"}, {"k", k}, {"y", u * k * k}});
    }
  }
  return v;
}

std::string js_string(const std::string& s) { return json(s).dump(); }

// Tick values on a log axis: powers of ten, at most about `count` of them.
json decades(double lo, double hi, int count) {
  int e0 = static_cast<int>(std::ceil(std::log10(lo) - 1e-9)), e1 = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
  int step = std::max(1, (e1 - e0 + count - 1) / count);
  json v = json::array();
  // Multiples of the step, so that 1e0 (and 1e-16 at step 4) are among them.
  for (int e = static_cast<int>(std::ceil(static_cast<double>(e0) / step)) * step; e <= e1; e += step) v.push_back(std::pow(10.0, e));
  return v;
}

// "1e-5" rather than "1e-5" with a plus or "0.00001".
const char* const kDecadeLabel = "replace(format(datum.value, '.0e'), 'e+', 'e')";

// BLAS/LAPACK stacks side by side (docs/blas-stacks.md): when the solvers are methods run on stacks (lapack.lu,
// lapack.lu@netlib, ...) and every method has as many variants, one row of panels per method and one column per
// stack (the sorted names line up); otherwise 4 panels a row.
int panel_columns(const std::vector<std::string>& sorted_solvers) {
  std::map<std::string, int> variants;
  bool stacks = false;
  for (const std::string& s : sorted_solvers) {
    ++variants[s.substr(0, s.find('@'))];
    stacks = stacks || s.find('@') != std::string::npos;
  }
  if (!stacks) return 4;
  const int per_method = variants.begin()->second;
  for (const auto& [method, count] : variants)
    if (count != per_method) return 4;
  return per_method;
}

// One figure of error against kappa: a panel per solver.
Figure error_figure(const RunData& run, const std::string& name, double ResultRow::*field, const std::string& key,
                    const std::string& title, bool square_guide) {
  std::vector<std::string> solvers;
  std::set<std::string> precisions, problems;
  for (const auto& r : run.rows) {
    bool has = (r.status == "ok" && std::isfinite(r.*field)) || r.status == "failed";
    if (!has) continue;
    if (std::find(solvers.begin(), solvers.end(), r.solver) == solvers.end()) solvers.push_back(r.solver);
    precisions.insert(r.precision);
    problems.insert(r.problem);
  }
  std::sort(solvers.begin(), solvers.end());
  Range y = error_range(run.rows, field);
  auto [k0, k1] = kappa_range(run.rows);
  json xs = {{"type", "log"}, {"domain", {k0, k1}}};
  json ys = {{"type", "log"}, {"domain", {y.lo, y.fail}}};
  json x_axis = {{"title", "κ (measured)"}, {"values", decades(k0, k1, 5)}, {"labelExpr", kDecadeLabel}, {"grid", true}};
  json y_axis = {{"title", title}, {"values", decades(y.lo, y.fail, 6)}, {"labelExpr", kDecadeLabel}, {"grid", true}};
  json guides = guide_values(precisions, k0, k1, square_guide);
  json shape_scale = {{"domain", json(problems)}, {"range", kShapes}};

  const int columns = panel_columns(solvers);
  json panels = json::array();
  for (std::size_t i = 0; i < solvers.size(); ++i) {
    std::string s = js_string(solvers[i]);
    json guide_layer = {
        {"data", {{"values", guides}}},
        {"mark", {{"type", "line"}, {"clip", true}, {"strokeWidth", 1}, {"opacity", 0.7}}},
        {"encoding",
         {{"x", {{"field", "k"}, {"type", "quantitative"}, {"scale", xs}, {"axis", x_axis}}},
          {"y", {{"field", "y"}, {"type", "quantitative"}, {"scale", ys}, {"axis", y_axis}}},
          {"color", precision_color()},
          {"strokeDash",
           {{"field", "guide"},
            {"type", "nominal"},
            {"title", "guide"},
            {"scale", {{"domain", {"u", "u·κ", "u·κ²"}}, {"range", {{1, 0}, {6, 3}, {2, 2}}}}}}},
          {"detail", {{"field", "guide"}}}}}};
    json points = {
        {"name", fmt::format("{}_pts_{}", name, i)},
        {"transform",
         {{{"filter", fmt::format("datum.solver === {} && datum.status === 'ok' && isValid(datum.{})", s, key)}},
          {{"calculate", fmt::format("clamp(datum.{}, {}, {})", key, y.lo, y.cap)}, {"as", "y"}}}},
        {"mark", {{"type", "point"}, {"filled", true}, {"size", 22}, {"opacity", 0.65}, {"clip", true}}},
        {"encoding",
         {{"x", {{"field", "kappa"}, {"type", "quantitative"}, {"scale", xs}, {"axis", x_axis}}},
          {"y", {{"field", "y"}, {"type", "quantitative"}, {"scale", ys}, {"axis", y_axis}}},
          {"color", precision_color()},
          {"shape", {{"field", "problem"}, {"type", "nominal"}, {"title", "problem"}, {"scale", shape_scale}}},
          {"tooltip", tooltip(key + "_text", title)}}}};
    json failures = {
        {"name", fmt::format("{}_fail_{}", name, i)},
        {"transform",
         {{{"filter", fmt::format("datum.solver === {} && datum.status === 'failed' && isValid(datum.kappa)", s)}},
          {{"calculate", fmt::format("{}", y.fail)}, {"as", "y"}}}},
        {"mark", {{"type", "point"}, {"shape", kCross}, {"filled", false}, {"size", 40}, {"strokeWidth", 1.5}}},
        {"encoding",
         {{"x", {{"field", "kappa"}, {"type", "quantitative"}, {"scale", xs}, {"axis", x_axis}}},
          {"y", {{"field", "y"}, {"type", "quantitative"}, {"scale", ys}, {"axis", y_axis}}},
          {"color", precision_color()},
          {"tooltip", tooltip("reason", "failed")}}}};
    panels.push_back({{"title", solvers[i]},
                      {"width", columns > 4 ? 120 : 200},
                      {"height", columns > 4 ? 110 : 160},
                      {"layer", {guide_layer, points, failures}}});
  }
  Figure f;
  f.name = name;
  f.title = title + " against κ";
  f.spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
            {"data", {{"name", "rows"}}},
            {"columns", columns},
            {"concat", panels},
            {"resolve", {{"scale", {{"color", "shared"}, {"shape", "shared"}, {"strokeDash", "shared"}}}}},
            {"config", {{"axis", {{"labelFontSize", 10}, {"titleFontSize", 11}}}, {"title", {{"fontSize", 12}}}}}};
  return f;
}

Figure time_figure(const RunData& run) {
  json points = {{"name", "time_pts"},
                 {"mark", {{"type", "point"}, {"filled", true}, {"size", 40}}},
                 {"encoding",
                  {{"tooltip",
                    {{{"field", "solver"}},
                     {{"field", "precision"}},
                     {{"field", "n"}},
                     {{"field", "time_s"}, {"aggregate", "median"}, {"title", "median time (s)"}, {"format", ".3e"}},
                     {{"field", "time_s"}, {"aggregate", "count"}, {"title", "solves"}}}}}}};
  json line = {{"mark", {{"type", "line"}, {"strokeWidth", 1.5}}}};
  std::set<int> ns;
  for (const auto& r : run.rows) ns.insert(r.n);
  json enc = {
      {"x",
       {{"field", "n"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}, {"title", "n"},
        {"axis", {{"values", ns}, {"grid", true}}}}},
      {"y",
       {{"field", "time_s"},
        {"aggregate", "median"},
        {"type", "quantitative"},
        {"scale", {{"type", "log"}}},
        {"title", "median time of one solve (s)"},
        {"axis", {{"format", ".0e"}, {"tickCount", 4}, {"grid", true}}}}},
      {"color", {{"field", "solver"}, {"type", "nominal"}, {"scale", {{"scheme", "tableau20"}}}}}};
  bool many_n = ns.size() > 1;
  Figure f;
  f.name = "time";
  f.title = "Time against n";
  f.spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
            {"data", {{"name", "rows"}}},
            {"transform", {{{"filter", "datum.status === 'ok' && isValid(datum.time_s) && datum.time_s > 0"}}}},
            {"facet", {{"column", {{"field", "precision"}, {"type", "nominal"}, {"title", "precision"}}}}},
            {"spec",
             {{"width", 330},
              {"height", 240},
              {"encoding", enc},
              {"layer", many_n ? json{line, points} : json{points}}}}};
  return f;
}

// BLAS/LAPACK stacks side by side: the median time of each method on each stack, one row of panels per method
// ("linked": the OpenBLAS condbench is linked with). Against n, 42 solver lines would share 20 colours.
Figure stack_time_figure(const RunData& run) {
  const char* method = "indexof(datum.solver, '@') < 0 ? datum.solver : "
                       "substring(datum.solver, 0, indexof(datum.solver, '@'))";
  const char* stack = "indexof(datum.solver, '@') < 0 ? 'linked' : "
                      "substring(datum.solver, indexof(datum.solver, '@') + 1)";
  json enc = {
      {"y", {{"field", "stack"}, {"type", "nominal"}, {"title", nullptr}}},
      {"x",
       {{"field", "time_s"},
        {"aggregate", "median"},
        {"type", "quantitative"},
        {"scale", {{"type", "log"}}},
        {"title", "median time of one solve (s)"},
        {"axis", {{"format", ".0e"}, {"tickCount", 4}, {"grid", true}}}}},
      {"color", {{"field", "n"}, {"type", "ordinal"}, {"title", "n"}}},
      {"tooltip",
       {{{"field", "method"}},
        {{"field", "stack"}},
        {{"field", "precision"}},
        {{"field", "n"}},
        {{"field", "time_s"}, {"aggregate", "median"}, {"title", "median time (s)"}, {"format", ".3e"}},
        {{"field", "time_s"}, {"aggregate", "count"}, {"title", "solves"}}}}};
  Figure f;
  f.name = "time";
  f.title = "Time per stack";
  f.spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
            {"data", {{"name", "rows"}}},
            {"transform",
             {{{"filter", "datum.status === 'ok' && isValid(datum.time_s) && datum.time_s > 0"}},
              {{"calculate", method}, {"as", "method"}},
              {{"calculate", stack}, {"as", "stack"}}}},
            {"facet",
             {{"row",
               {{"field", "method"},
                {"type", "nominal"},
                {"title", nullptr},
                {"header", {{"labelAngle", 0}, {"labelAlign", "left"}}}}},
              {"column", {{"field", "precision"}, {"type", "nominal"}, {"title", "precision"}}}}},
            {"spec",
             {{"width", 330},
              {"height", {{"step", 13}}},
              {"mark", {{"type", "point"}, {"filled", true}, {"size", 40}}},
              {"encoding", enc}}}};
  return f;
}

bool has_stacks(const RunData& run) {
  return std::any_of(run.rows.begin(), run.rows.end(),
                     [](const ResultRow& r) { return r.solver.find('@') != std::string::npos; });
}

}  // namespace

std::string reproduce_command(const RunData& run, const ResultRow& r) {
  std::string study = run.meta.contains("study") ? run.meta["study"].value("path", std::string("STUDY")) : "STUDY";
  return fmt::format("condbench run {} --out repro --force --case {} --solver {} --precision {}", shell_word(study),
                     shell_word(r.case_id), shell_word(r.solver), shell_word(r.precision));
}

json rows_dataset(const RunData& run) {
  json rows = json::array();
  for (const auto& r : run.rows) {
    if (r.status == "skipped") continue;
    double k = plot_kappa(r);
    rows.push_back({{"case_id", r.case_id},
                    {"solver", r.solver},
                    {"precision", r.precision},
                    {"generator", r.generator},
                    {"problem", r.problem},
                    {"n", r.n},
                    {"shape", fmt::format("{}x{}", r.m, r.n)},
                    {"seed", r.seed},
                    {"status", r.status},
                    {"reason", r.reason},
                    {"kappa", k > 0 ? num(k) : json(nullptr)},
                    {"kappa_text", num_text(r.kappa)},
                    {"kappa_nominal_text", num_text(r.kappa_nominal)},
                    {"fe", num(r.forward_error)},
                    {"be", num(r.backward_error)},
                    {"xt", num(r.error_vs_true)},
                    {"fe_text", num_text(r.forward_error)},
                    {"be_text", num_text(r.backward_error)},
                    {"xt_text", num_text(r.error_vs_true)},
                    {"time_s", num(r.time_s)},
                    {"reproduce", reproduce_command(run, r)}});
  }
  return rows;
}

std::vector<Figure> report_figures(const RunData& run) {
  std::vector<Figure> figs;
  Figure fe = error_figure(run, "forward_error", &ResultRow::forward_error, "fe", "forward error", true);
  fe.caption =
      "‖x̂ − x*‖₂/‖x*‖₂ against the measured κ₂ of the stored matrix, one panel per solver. Colour: precision; "
      "shape: problem. Guides per precision: its unit roundoff u (solid), u·κ (dashed: backward-stable solvers "
      "follow it), u·κ² (dotted: the normal equations and classical Gram–Schmidt). ✕ at the top: failed solves, at "
      "their κ. Hover a point for its case and the command that reruns it; click to copy the command.";
  figs.push_back(std::move(fe));
  Figure be = error_figure(run, "backward_error", &ResultRow::backward_error, "be", "backward error", false);
  be.caption = "Normwise backward error ‖b − Ax̂‖/(‖A‖‖x̂‖ + ‖b‖). A backward-stable solver stays near u at every "
               "κ; x = inv(A)·b follows u·κ.";
  figs.push_back(std::move(be));
  bool has_true = std::any_of(run.rows.begin(), run.rows.end(),
                              [](const ResultRow& r) { return r.status == "ok" && std::isfinite(r.error_vs_true); });
  if (has_true) {
    Figure xt = error_figure(run, "error_vs_true", &ResultRow::error_vs_true, "xt", "error against x_true", true);
    xt.caption = "Error against the x the generator started from (where it knows one). For a zero-residual "
                 "problem this differs from the forward error by the rounding of A and b to the working precision.";
    figs.push_back(std::move(xt));
  }
  Figure t = has_stacks(run) ? stack_time_figure(run) : time_figure(run);
  t.caption = has_stacks(run) ? "Median wall time of one solve (factorization and solve) of each method on each "
                                "BLAS/LAPACK stack, over the cases of each size; linked: the OpenBLAS condbench is "
                                "linked with."
                              : "Median wall time of one solve (factorization and solve) over the cases of each size.";
  figs.push_back(std::move(t));
  return figs;
}

json with_rows(const json& spec, const json& rows) {
  json s = spec;
  s["datasets"] = {{"rows", rows}};
  return s;
}

}  // namespace condbench::report
