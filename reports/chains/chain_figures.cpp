#include "reports/chains/chain_figures.hpp"

#include "reports/chains/chain_tables.hpp"
#include "studies/chains/working_precision.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace condbench::chains {
using json = nlohmann::json;
namespace {

const char* const kSchema = "https://vega.github.io/schema/vega-lite/v6.json";

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json x_depth() { return {{"field", "depth"}, {"type", "quantitative"}, {"title", "depth (layers)"}}; }

// Labels at powers of ten only ("1e-5"), which a log axis otherwise crowds with 2e-5, 3e-5, ...
const char* const kDecadeLabel =
    "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? "
    "replace(format(datum.value, '.0e'), 'e+', 'e') : ''";

json y_log(const char* field, const std::string& title) {
  return {{"field", field},
          {"type", "quantitative"},
          {"title", title},
          {"scale", {{"type", "log"}}},
          {"axis", {{"labelExpr", kDecadeLabel}, {"grid", true}}}};
}

json y_lin(const char* field, const std::string& title) {
  return {{"field", field}, {"type", "quantitative"}, {"title", title}, {"axis", {{"grid", true}}}};
}

// Fixed colours per series, so the figures agree; each legend lists only what its data has.
const std::map<std::string, std::string> kSeriesColor = {{"chain.explicit_svd", "#e45756"},
                                                         {"chain.qr_sweep", "#f58518"},
                                                         {"chain.qr_jacobi", "#54a24b"},
                                                         {"reference", "#222222"},
                                                         {"theory", "#9d755d"},
                                                         {"f32", "#e45756"},
                                                         {"f64", "#4c78a8"},
                                                         {"bf16", "#b279a2"},
                                                         {"fp16", "#72b7b2"},
                                                         {"measured", "#54a24b"}};

json color(const char* field, const char* title, const json& data) {
  std::set<std::string> present;
  for (const json& d : data)
    if (d.contains(field) && d[field].is_string()) present.insert(d[field].get<std::string>());
  json domain = json::array(), range = json::array();
  for (const auto& [name, c] : kSeriesColor)
    if (present.count(name)) domain.push_back(name), range.push_back(c);
  return {{"field", field}, {"type", "nominal"}, {"title", title}, {"scale", {{"domain", domain}, {"range", range}}}};
}

json facet_spec(json values, json facet, json layers, int width = 250, int height = 170) {
  return {{"$schema", kSchema},
          {"data", {{"values", std::move(values)}}},
          {"facet", std::move(facet)},
          {"spec", {{"width", width}, {"height", height}, {"layer", std::move(layers)}}},
          {"resolve", {{"scale", {{"x", "independent"}, {"y", "independent"}}}}},
          {"config", {{"axis", {{"labelFontSize", 10}, {"titleFontSize", 11}}}}}};
}

json facet_by_config() { return {{"field", "config"}, {"type", "nominal"}, {"title", nullptr}}; }

json facet_config_precision() {
  return {{"row", {{"field", "config"}, {"type", "nominal"}, {"title", nullptr}}},
          {"column", {{"field", "precision"}, {"type", "nominal"}, {"title", "precision"}}}};
}

json filter(const std::string& expr) { return json::array({{{"filter", expr}}}); }

report::Figure gradient_figure(const ChainRunData& run) {
  std::map<std::tuple<std::string, std::string, int>, std::vector<double>> values;
  std::map<std::tuple<std::string, std::string, int>, std::pair<double, double>> theory;
  for (const auto& r : run.rows) {
    if (r.method != "chain.backprop" || r.quantity != "grad_norm" || r.status != "ok") continue;
    auto key = std::make_tuple(config_label(r), r.precision, r.depth);
    values[key].push_back(r.value);
    theory[key] = {r.theory, r.theory_sd};
  }
  json data = json::array();
  for (const auto& [key, v] : values) {
    const auto& [cfg, prec, depth] = key;
    const auto [th, sd] = theory[key];
    const bool band = std::isfinite(th) && th > 0 && std::isfinite(sd);
    const double med = quantile(v, 0.5);
    data.push_back({{"config", cfg},
                    {"precision", prec},
                    {"depth", depth},
                    {"median", num(med > 0 ? med : NAN)},
                    {"lo", num(quantile(v, 0.05) > 0 ? quantile(v, 0.05) : NAN)},
                    {"hi", num(quantile(v, 0.95) > 0 ? quantile(v, 0.95) : NAN)},
                    {"seeds", v.size()},
                    {"theory", num(th > 0 ? th : NAN)},
                    {"theory_lo", num(band ? th * std::exp(-1.645 * sd) : NAN)},
                    {"theory_hi", num(band ? th * std::exp(1.645 * sd) : NAN)}});
  }
  report::Figure f;
  f.name = "grad_norm";
  f.title = "Gradient norm against depth";
  f.caption =
      "chain.backprop: ‖g‖ after j layers (the top j of each chain), median over the seeds (line) and 5–95 % "
      "band (shaded), per precision. Black dashed: exp(E ln‖g‖) of the exact law; grey dotted: its 5–95 % "
      "band (normal approximation of ln‖g‖). See the table below for which laws are exact.";
  if (data.empty()) return f;
  json tooltip = json::array({{{"field", "config"}},
                              {{"field", "precision"}},
                              {{"field", "depth"}},
                              {{"field", "median"}, {"format", ".3e"}},
                              {{"field", "lo"}, {"format", ".3e"}},
                              {{"field", "hi"}, {"format", ".3e"}},
                              {{"field", "theory"}, {"format", ".3e"}},
                              {{"field", "seeds"}}});
  json layers =
      json::array({{{"transform", filter("isValid(datum.lo) && isValid(datum.hi)")},
                    {"mark", {{"type", "area"}, {"opacity", 0.18}}},
                    {"encoding",
                     {{"x", x_depth()},
                      {"y", y_log("lo", "‖g‖")},
                      {"y2", {{"field", "hi"}}},
                      {"color", color("precision", "precision", data)}}}},
                   {{"transform", filter("isValid(datum.median)")},
                    {"mark", {{"type", "line"}, {"point", true}}},
                    {"encoding",
                     {{"x", x_depth()},
                      {"y", y_log("median", "‖g‖")},
                      {"color", color("precision", "precision", data)},
                      {"tooltip", tooltip}}}},
                   {{"transform", filter("isValid(datum.theory)")},
                    {"mark", {{"type", "line"}, {"color", "black"}, {"strokeDash", {6, 3}}, {"strokeWidth", 1.2}}},
                    {"encoding", {{"x", x_depth()}, {"y", y_log("theory", "‖g‖")}}}},
                   {{"transform", filter("isValid(datum.theory_lo)")},
                    {"mark", {{"type", "line"}, {"color", "#777"}, {"strokeDash", {2, 2}}, {"strokeWidth", 1}}},
                    {"encoding", {{"x", x_depth()}, {"y", y_log("theory_lo", "‖g‖")}}}},
                   {{"transform", filter("isValid(datum.theory_hi)")},
                    {"mark", {{"type", "line"}, {"color", "#777"}, {"strokeDash", {2, 2}}, {"strokeWidth", 1}}},
                    {"encoding", {{"x", x_depth()}, {"y", y_log("theory_hi", "‖g‖")}}}}});
  json facet = facet_by_config();
  f.spec = facet_spec(data, facet, layers);
  f.spec["columns"] = 3;
  return f;
}

// Medians over the seeds of log10 kappa per method, the reference and the theory, and the
// saturation level log10(d/u) of the explicit product.
report::Figure kappa_figure(const ChainRunData& run) {
  std::map<std::tuple<std::string, std::string, std::string, int>, std::vector<double>> series;
  std::map<std::tuple<std::string, std::string, std::string, int>, int> tried;
  std::map<std::tuple<std::string, std::string>, double> saturation;
  for (const auto& r : run.rows) {
    if (r.quantity != "log10_kappa") continue;
    const std::string cfg = config_label(r);
    ++tried[{cfg, r.precision, r.method, r.depth}];
    if (r.status == "ok") series[{cfg, r.precision, r.method, r.depth}].push_back(r.value);
    if (r.method == "chain.qr_jacobi" || r.method == "chain.explicit_svd" || r.method == "chain.qr_sweep") {
      series[{cfg, r.precision, "reference", r.depth}].push_back(r.reference);
      series[{cfg, r.precision, "theory", r.depth}].push_back(r.theory);
    }
    ChainPrecision p = ChainPrecision::f64;
    const double u = parse_chain_precision(r.precision, p) ? info(p).unit_roundoff : NAN;
    saturation[{cfg, r.precision}] = std::log10(r.width / u);
  }
  json data = json::array();
  for (const auto& [key, v] : series) {
    const auto& [cfg, prec, name, depth] = key;
    // A median over the few seeds that did not fail would be biased: leave the point out.
    auto t = tried.find(key);
    if (t != tried.end() && 2 * v.size() < static_cast<std::size_t>(t->second)) continue;
    const double med = quantile(v, 0.5);
    if (!std::isfinite(med)) continue;
    data.push_back(
        {{"kind", "line"}, {"config", cfg}, {"precision", prec}, {"series", name}, {"depth", depth}, {"value", med}});
  }
  // The saturation line only where something finite is drawn (ReLU products: kappa = inf).
  std::set<std::string> drawn;
  for (const json& d : data) drawn.insert(d["config"].get<std::string>());
  for (const auto& [key, y] : saturation)
    if (drawn.count(std::get<0>(key)))
      data.push_back({{"kind", "rule"}, {"config", std::get<0>(key)}, {"precision", std::get<1>(key)}, {"value", y}});
  report::Figure f;
  f.name = "kappa";
  f.title = "log10 κ of the product against depth, per method and precision";
  f.caption =
      "Medians over the seeds (a point is left out where most seeds failed). Wide grey: the reference "
      "(the stored factors' product, in extended precision); brown: the Lyapunov line j·(ψ(d/2) − ψ(1/2))/(2 ln 10) "
      "for linear Gaussian chains; dotted: log10(d/u), "
      "where the explicit product saturates. ReLU products are exactly singular (κ = ∞, no reference line).";
  if (std::none_of(data.begin(), data.end(), [](const json& d) { return d["kind"] == "line"; })) return f;
  json layers = json::array(
      {{{"transform", filter("datum.kind === 'line' && datum.series === 'reference'")},
        {"mark", {{"type", "line"}, {"strokeWidth", 6}, {"opacity", 0.3}}},
        {"encoding", {{"x", x_depth()}, {"y", y_lin("value", "log10 κ")}, {"color", color("series", "series", data)}}}},
       {{"transform", filter("datum.kind === 'line' && datum.series !== 'reference'")},
        {"mark", {{"type", "line"}, {"point", {{"size", 18}}}, {"strokeWidth", 1.5}}},
        {"encoding",
         {{"x", x_depth()},
          {"y", y_lin("value", "log10 κ")},
          {"color", color("series", "series", data)},
          {"tooltip",
           json::array({{{"field", "series"}}, {{"field", "depth"}}, {{"field", "value"}, {"format", ".4g"}}})}}}},
       {{"transform", filter("datum.kind === 'rule'")},
        {"mark", {{"type", "rule"}, {"strokeDash", {2, 3}}, {"color", "#666"}}},
        {"encoding", {{"y", y_lin("value", "log10 κ")}}}}});
  f.spec = facet_spec(data, facet_config_precision(), layers, 240, 160);
  return f;
}

report::Figure kappa_error_figure(const ChainRunData& run) {
  std::map<std::tuple<std::string, std::string, std::string, int>, std::vector<double>> errs;
  for (const auto& r : run.rows)
    if (r.quantity == "log10_kappa" && r.status == "ok" && std::isfinite(r.rel_error))
      errs[{config_label(r), r.precision, r.method, r.depth}].push_back(r.rel_error);
  json data = json::array();
  for (const auto& [key, v] : errs) {
    const auto& [cfg, prec, method, depth] = key;
    data.push_back({{"config", cfg},
                    {"precision", prec},
                    {"series", method},
                    {"depth", depth},
                    {"error", std::max(quantile(v, 0.5), 1e-17)}});
  }
  report::Figure f;
  f.name = "kappa_error";
  f.title = "Error of log10 κ against the reference";
  f.caption =
      "Median over the seeds of |log10 κ − reference| / |reference| (errors of exactly 0 drawn at 1e-17). "
      "An error near 1 means the method's κ is unrelated to the product's.";
  if (data.empty()) return f;
  json layers = json::array({{{"mark", {{"type", "line"}, {"point", {{"size", 18}}}}},
                              {"encoding",
                               {{"x", x_depth()},
                                {"y", y_log("error", "relative error of log10 κ")},
                                {"color", color("series", "method", data)}}}}});
  f.spec = facet_spec(data, facet_config_precision(), layers, 240, 160);
  return f;
}

report::Figure moments_figure(const ChainRunData& run) {
  json data = json::array();
  for (const PooledSpectrum& p : pooled_spectra(run.rows, "f64"))
    for (const auto& [name, v] :
         {std::pair<const char*, double>{"measured", p.measured}, {"reference", p.reference}, {"theory", p.theory}})
      if (std::isfinite(v)) data.push_back({{"config", p.config}, {"series", name}, {"depth", p.depth}, {"value", v}});
  report::Figure f;
  f.name = "spectrum";
  f.title = "Variance of the eigenvalues of J Jᵀ (over their squared mean) against depth";
  f.caption =
      "The eigenvalues of every seed pooled (E[m2]/E[m1]² − 1 over the seeds, m_k the k-th moment of one "
      "spectrum), measured in f64 (chain.qr_jacobi, or chain.explicit_svd where that has more seeds) and by the "
      "reference; brown: the infinite-width limit of "
      "Pennington, Schoenholz & Ganguli (j/p Gaussian, j(1/p − 1) orthogonal; p = 1 linear, 1/2 ReLU).";
  if (data.empty()) return f;
  json enc = {{"x", x_depth()}, {"y", y_lin("value", "variance / mean²")}, {"color", color("series", "series", data)}};
  json layers = json::array({{{"transform", filter("datum.series === 'reference'")},
                              {"mark", {{"type", "line"}, {"strokeWidth", 6}, {"opacity", 0.3}}},
                              {"encoding", enc}},
                             {{"transform", filter("datum.series !== 'reference'")},
                              {"mark", {{"type", "line"}, {"point", {{"size", 18}}}}},
                              {"encoding", enc}}});
  f.spec = facet_spec(data, facet_by_config(), layers);
  f.spec["columns"] = 3;
  return f;
}

// Per seed and depth j: the largest weight kappa among the top j layers (what the monitor
// sees) and the product's kappa (the reference); medians over the seeds.
report::Figure monitor_figure(const ChainRunData& run) {
  std::map<std::tuple<std::string, std::string, std::uint64_t>, std::map<int, double>> weights;  // layer -> kappa
  std::map<std::tuple<std::string, std::string, std::uint64_t>, std::map<int, double>> product;  // depth -> log10
  std::map<std::tuple<std::string, std::string, std::uint64_t>, int> layers;
  for (const auto& r : run.rows) {
    auto key = std::make_tuple(config_label(r), r.precision, r.seed);
    if (r.quantity == "weight_kappa" && r.status == "ok") weights[key][r.layer] = r.value, layers[key] = r.layers;
    if (r.quantity == "log10_kappa" && std::isfinite(r.reference)) product[key][r.depth] = r.reference;
  }
  std::map<std::tuple<std::string, std::string, std::string, int>, std::vector<double>> series;
  for (const auto& [key, w] : weights) {
    const int L = layers[key];
    const auto& [cfg, prec, seed] = key;
    double largest = 0;
    for (int j = 1; j <= L; ++j) {
      auto it = w.find(L - j + 1);
      if (it != w.end()) largest = std::max(largest, it->second);
      series[{cfg, prec, "largest κ(W) among the top j layers", j}].push_back(std::log10(largest));
      auto p = product.find(key);
      if (p != product.end() && p->second.count(j))
        series[{cfg, prec, "κ of the product (reference)", j}].push_back(p->second.at(j));
    }
  }
  json data = json::array();
  for (const auto& [key, v] : series)
    data.push_back({{"config", std::get<0>(key)},
                    {"precision", std::get<1>(key)},
                    {"series", std::get<2>(key)},
                    {"depth", std::get<3>(key)},
                    {"value", num(quantile(v, 0.5))}});
  report::Figure f;
  f.name = "monitor";
  f.title = "The lecture's weight monitor against the product";
  f.caption =
      "Medians over the seeds of log10 of the largest weight κ among the top j layers (what "
      "monitor_weight_conditioning would warn about: the dotted line is its threshold 1e6) and of κ of the "
      "product of those j Jacobians.";
  if (data.empty()) return f;
  json layers_spec =
      json::array({{{"transform", filter("isValid(datum.value)")},
                    {"mark", {{"type", "line"}, {"point", {{"size", 18}}}}},
                    {"encoding",
                     {{"x", x_depth()},
                      {"y", y_lin("value", "log10 κ")},
                      {"color",
                       {{"field", "series"},
                        {"type", "nominal"},
                        {"title", nullptr},
                        {"legend", {{"orient", "bottom"}, {"direction", "vertical"}, {"labelLimit", 400}}}}}}}},
                   {{"mark", {{"type", "rule"}, {"strokeDash", {2, 3}}, {"color", "#c00"}}},
                    {"encoding", {{"y", {{"datum", 6}, {"type", "quantitative"}}}}}}});
  f.spec = facet_spec(data, facet_config_precision(), layers_spec, 240, 150);
  return f;
}

}  // namespace

std::vector<report::Figure> chain_figures(const ChainRunData& run) {
  std::vector<report::Figure> out;
  for (report::Figure f :
       {gradient_figure(run), kappa_figure(run), kappa_error_figure(run), moments_figure(run), monitor_figure(run)})
    if (!f.spec.is_null()) out.push_back(std::move(f));
  return out;
}

}  // namespace condbench::chains
