#include "reports/report/report.hpp"

#include "reports/common/escape.hpp"
#include "reports/common/timing_only.hpp"
#include "reports/report/analysis.hpp"
#include "reports/report/figures.hpp"
#include "reports/report/guide.hpp"
#include "reports/report/ir_table.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/skips.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace condbench::report {
namespace fs = std::filesystem;
using json = nlohmann::json;
namespace {

std::string meta_text(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Solver x case x precision combinations counted in run.json, not written as rows.
int not_run_count(const RunData& run) {
  return run.meta.value("skipped", json::object()).value("rows", 0);
}

std::string study_value(const RunData& run, const char* key) {
  return run.meta.contains("study") ? meta_text(run.meta["study"].value(key, json(nullptr))) : "-";
}

// One line of the slope table: a solver on a problem, one cell per precision.
struct SlopeLine {
  std::string solver, problem;
  std::map<std::string, const GroupSummary*> by_precision;
};

std::vector<SlopeLine> slope_lines(const std::vector<GroupSummary>& groups) {
  std::vector<SlopeLine> lines;
  for (const auto& g : groups) {
    if (lines.empty() || lines.back().solver != g.solver || lines.back().problem != g.problem)
      lines.push_back({g.solver, g.problem, {}});
    lines.back().by_precision[g.precision] = &g;
  }
  return lines;
}

std::set<std::string> precisions_of(const std::vector<GroupSummary>& groups) {
  std::set<std::string> p;
  for (const auto& g : groups) p.insert(g.precision);
  return p;
}

std::string slope_text(const GroupSummary& g) {
  if (g.fit) return fmt::format("{:.2f}", g.fit->slope);
  return g.ok == 0 ? "all failed" : "—";
}

std::string slope_detail(const GroupSummary& g) {
  if (!g.fit) return "fewer than 3 errors between 10u and 0.1 over a decade of κ";
  return fmt::format("{} solves, κ {}–{}", g.fit->points, format_kappa(g.fit->kappa_lo), format_kappa(g.fit->kappa_hi));
}

std::string lost_text(const GroupSummary& g) {
  if (g.kappa_lost) return "≈" + format_kappa(*g.kappa_lost);
  return "> " + format_kappa(g.kappa_max);
}

std::string digits_text(const std::optional<DigitsCell>& c) {
  if (!c) return "";
  if (c->ok == 0) return "✕";
  std::string s = fmt::format("{:.1f}", c->median_digits);
  if (c->failed) s += fmt::format(" ✕{}", c->failed);
  return s;
}

std::string md_cell(std::string s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

const char* const kSlopeRule =
    "Slope: least-squares fit of log10(forward error) against log10(κ) over the ok solves with 10u < error < 0.1 "
    "(above the u floor, still one correct digit), at least 3 solves over a decade of κ. 1 ≈ backward stable "
    "(error ≈ u·κ), 2 ≈ error ≈ u·κ². No digit from κ: the smallest κ of the first decade of κ in which most "
    "solves fail or give an error ≥ 0.1; '> K' when none up to the largest κ K reached.";

const char* const kDigitsRule =
    "Median correct digits −log10(forward error), clipped to [0, −log10(u)], of the ok solves per range of measured "
    "κ; ✕N: N failed solves in the range (✕ alone: all failed).";

}  // namespace

std::string format_kappa(double k) {
  if (!std::isfinite(k)) return "-";
  if (k <= 0) return "0";
  int e = static_cast<int>(std::floor(std::log10(k)));
  double m = k / std::pow(10.0, e);
  if (m >= 9.95) m = 1, ++e;
  return std::abs(m - 1) < 0.05 ? fmt::format("1e{}", e) : fmt::format("{:.1f}e{}", m, e);
}

std::string html_escape(const std::string& s) { return markup_escape(s); }

std::string not_run_html(const RunData& run) {
  auto lines = skip_lines(run.meta.value("skipped", json::object()));
  if (lines.empty()) return {};
  std::string h = "<h2>Not run</h2>\n<p class=\"caption\">Solvers that do not take a problem kind or precision, or "
                  "cannot run on this machine: counted, not written as rows (<code>condbench run --keep-skipped</code> "
                  "writes them).</p>\n<table><tr><th>solvers</th><th>combinations</th><th>why</th></tr>\n";
  for (const auto& l : lines)
    h += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n", html_escape(l.solvers), l.rows,
                     html_escape(l.reason));
  return h + "</table>\n";
}


std::string json_for_script(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string o;
  o.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    // "</script" and "<!--" inside a string would end the script element early.
    if (s[i] == '<') o += "\\u003c";
    else o += s[i];
  }
  return o;
}

std::string context_line(const nlohmann::ordered_json& meta) {
  if (!meta.contains("context")) return "-";
  const auto& c = meta["context"];
  auto v = [&](const char* k) { return c.contains(k) ? meta_text(c[k]) : std::string("-"); };
  std::string commit = v("git_commit");
  if (commit.size() > 10) commit.resize(10);
  if (c.value("git_dirty", false)) commit += "+dirty";
  return fmt::format("{} · {} · {} {} · {} threads · commit {}", v("host"), v("cpu"), v("blas"), v("blas_version"),
                     v("blas_threads"), commit);
}

std::string vega_scripts(const WebAssets& assets) {
  std::string s;
  for (const char* f : {"node_modules/vega/build/vega.min.js", "node_modules/vega-lite/build/vega-lite.min.js",
                        "node_modules/vega-embed/build/vega-embed.min.js"}) {
    std::string code = read_asset(assets, f);
    if (code.find("</script") != std::string::npos)
      throw InputError(f, "contains '</script' and cannot be inlined; a different version is installed?");
    s += "<script>\n" + code + "\n</script>\n";
  }
  return s;
}

std::string summary_markdown(const RunData& run) {
  std::vector<GroupSummary> groups = summarize_groups(run.rows);
  std::set<std::string> precs = precisions_of(groups);
  std::string md = fmt::format("# condbench report: {}\n\n", study_value(run, "name"));
  md += fmt::format("{}\n\n", study_value(run, "description"));
  md += fmt::format("- run: `{}` ({}), {} → {}\n", meta_text(run.meta.value("command", json(nullptr))),
                    meta_text(run.meta.value("status", json(nullptr))),
                    meta_text(run.meta.value("start_time", json(nullptr))),
                    meta_text(run.meta.value("end_time", json(nullptr))));
  int ok = 0, failed = 0, skipped = 0;
  for (const auto& r : run.rows) (r.status == "ok" ? ok : r.status == "failed" ? failed : skipped)++;
  skipped += not_run_count(run);
  md += fmt::format("- rows: {} ok, {} failed; {} solver × case × precision combinations not run (below)\n", ok,
                    failed, skipped);
  md += fmt::format("- machine: {}\n\n", context_line(run.meta));

  md += "## Slope of log error against log κ, and the κ where no correct digit is left\n\n| solver | problem |";
  std::string sep = "|---|---|";
  for (const auto& p : precs) md += fmt::format(" {0} slope | {0} no digit from κ |", p), sep += "---:|---:|";
  md += "\n" + sep + "\n";
  for (const auto& line : slope_lines(groups)) {
    md += fmt::format("| {} | {} |", md_cell(line.solver), md_cell(line.problem));
    for (const auto& p : precs) {
      auto it = line.by_precision.find(p);
      if (it == line.by_precision.end())
        md += " | |";
      else
        md += fmt::format(" {} | {} |", slope_text(*it->second), lost_text(*it->second));
    }
    md += "\n";
  }
  md += fmt::format("\n{}\n", kSlopeRule);
  md += ir_table_markdown(ir_regions(run)) + ls_table_markdown(ls_steps(run));  // refinement (ir_table.hpp)

  for (const auto& t : digits_tables(run.rows)) {
    md += fmt::format("\n## Correct digits, {} (u = {:.2e})\n\n| solver · problem |", t.precision,
                      unit_roundoff(t.precision));
    std::string s2 = "|---|";
    for (int b : t.bins) md += fmt::format(" κ {} |", kappa_bin_label(b, t.width)), s2 += "---:|";
    md += "\n" + s2 + "\n";
    for (std::size_t i = 0; i < t.row_labels.size(); ++i) {
      md += fmt::format("| {} |", md_cell(t.row_labels[i]));
      for (const auto& c : t.cells[i]) md += fmt::format(" {} |", digits_text(c));
      md += "\n";
    }
  }
  md += fmt::format("\n{}\n", kDigitsRule);
  md += guide_markdown(solver_guide(run.rows));
  if (auto lines = skip_lines(run.meta.value("skipped", json::object())); !lines.empty()) {
    md += "\n## Not run\n\nSolvers that do not take a problem kind or precision, or cannot run on this machine "
          "(counted, not written as rows; `condbench run --keep-skipped` writes them).\n\n| solvers | combinations "
          "| why |\n|---|---:|---|\n";
    for (const auto& l : lines) md += fmt::format("| {} | {} | {} |\n", md_cell(l.solvers), l.rows, md_cell(l.reason));
  }
  return md;
}

namespace {

std::string slope_table_html(const std::vector<GroupSummary>& groups) {
  std::set<std::string> precs = precisions_of(groups);
  std::string h = "<table class=\"slopes\"><thead><tr><th rowspan=2>solver</th><th rowspan=2>problem</th>";
  for (const auto& p : precs) h += fmt::format("<th colspan=2>{}</th>", html_escape(p));
  h += "</tr><tr>";
  for (std::size_t i = 0; i < precs.size(); ++i) h += "<th>slope</th><th>no digit from κ</th>";
  h += "</tr></thead><tbody>\n";
  for (const auto& line : slope_lines(groups)) {
    h += fmt::format("<tr><td>{}</td><td>{}</td>", html_escape(line.solver), html_escape(line.problem));
    for (const auto& p : precs) {
      auto it = line.by_precision.find(p);
      if (it == line.by_precision.end()) {
        h += "<td></td><td></td>";
        continue;
      }
      const GroupSummary& g = *it->second;
      const char* cls = !g.fit ? "na" : g.fit->slope > 1.5 ? "bad" : g.fit->slope > 1.2 ? "warn" : "good";
      h += fmt::format("<td class=\"num {}\" title=\"{}\">{}</td><td class=\"num\">{}</td>", cls,
                       html_escape(slope_detail(g)), html_escape(slope_text(g)), html_escape(lost_text(g)));
    }
    h += "</tr>\n";
  }
  return h + "</tbody></table>\n";
}

std::string digits_table_html(const DigitsTable& t) {
  double top = -std::log10(unit_roundoff(t.precision));
  std::string h = fmt::format("<h3>{} (u = {:.2e}, at most {:.1f} digits)</h3><table class=\"digits\"><thead><tr>"
                              "<th>solver · problem</th>",
                              html_escape(t.precision), unit_roundoff(t.precision), top);
  for (int b : t.bins) h += fmt::format("<th>κ {}</th>", kappa_bin_label(b, t.width));
  h += "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < t.row_labels.size(); ++i) {
    h += fmt::format("<tr><td>{}</td>", html_escape(t.row_labels[i]));
    for (const auto& c : t.cells[i]) {
      if (!c) {
        h += "<td></td>";
        continue;
      }
      // Hue from red (no digit) to green (all digits of the precision).
      double frac = c->ok ? std::clamp(c->median_digits / top, 0.0, 1.0) : 0.0;
      h += fmt::format("<td class=\"num\" style=\"background:hsl({:.0f},65%,{}%)\">{}</td>", 120 * frac,
                       c->ok ? 82 : 70, html_escape(digits_text(c)));
    }
    h += "</tr>\n";
  }
  return h + "</tbody></table>\n";
}

std::string context_table_html(const RunData& run) {
  std::string h = "<table class=\"context\"><tbody>\n";
  auto row = [&](const std::string& k, const std::string& v) {
    h += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(k), html_escape(v));
  };
  row("command", meta_text(run.meta.value("command", json(nullptr))));
  row("status", meta_text(run.meta.value("status", json(nullptr))));
  row("started", meta_text(run.meta.value("start_time", json(nullptr))));
  row("ended", meta_text(run.meta.value("end_time", json(nullptr))));
  row("study file", study_value(run, "path"));
  if (run.meta.contains("context"))
    for (const auto& [k, v] : run.meta["context"].items()) row(k, meta_text(v));
  return h + "</tbody></table>\n";
}

const char* const kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1120px;padding:16px 24px;color:#222}
h1{font-size:22px;margin:8px 0 2px} h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:3px} h3{font-size:14px;margin:16px 0 4px}
.sub{color:#555;margin:0 0 8px} .meta{color:#444;font-size:13px} code,pre{font:12px ui-monospace,"DejaVu Sans Mono",monospace}
.caption{color:#444;font-size:13px;max-width:960px} table{border-collapse:collapse;font-size:12.5px;margin:6px 0}
th,td{border:1px solid #ddd;padding:2px 7px;text-align:left} td.num{text-align:right;font-variant-numeric:tabular-nums}
td.good{background:#e3f4e3} td.warn{background:#fff4d6} td.bad{background:#fde0dc} td.na{color:#888}
table.context th{background:#f6f6f6;font-weight:600} .rule{color:#555;font-size:12.5px;max-width:960px}
#repro{background:#f6f6f6;border:1px solid #ddd;padding:6px 8px;white-space:pre-wrap;min-height:1.2em}
.figure{margin:6px 0 18px} .stats{display:flex;gap:18px;margin:8px 0} .stat{background:#f4f6fa;border-radius:6px;padding:6px 12px}
.stat b{font-size:18px;display:block}
)";

// Embeds every figure into its div (SVG renderer: crisp, and countable in tests),
// then resolves window.condbenchReady with the marks each figure drew.
const char* const kScript = R"(
const ROWS = JSON.parse(document.getElementById('rows').textContent);
const FIGURES = JSON.parse(document.getElementById('figures').textContent);
function showRepro(cmd) {
  const el = document.getElementById('repro');
  el.textContent = cmd;
  if (navigator.clipboard) navigator.clipboard.writeText(cmd).catch(() => {});
}
window.condbenchReady = Promise.all(FIGURES.map(f => {
  const spec = Object.assign({}, f.spec, {datasets: {rows: ROWS}});
  return vegaEmbed('#fig-' + f.name, spec, {renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}})
    .then(r => {
      r.view.addEventListener('click', (ev, item) => { if (item && item.datum && item.datum.reproduce) showRepro(item.datum.reproduce); });
      return f.name;
    });
}));
)";

}  // namespace

std::string report_html(const RunData& run, const WebAssets& assets) {
  std::vector<Figure> figs = report_figures(run);
  std::vector<GroupSummary> groups = summarize_groups(run.rows);
  json figures = json::array();
  for (const auto& f : figs) figures.push_back({{"name", f.name}, {"spec", f.spec}});
  int ok = 0, failed = 0, skipped = 0;
  for (const auto& r : run.rows) (r.status == "ok" ? ok : r.status == "failed" ? failed : skipped)++;
  skipped += not_run_count(run);
  std::string name = study_value(run, "name");

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += fmt::format("<title>condbench: {}</title>\n<style>{}</style>\n", html_escape(name), kStyle);
  h += vega_scripts(assets);
  h += "</head><body>\n";
  h += fmt::format("<h1>condbench · {}</h1>\n<p class=\"sub\">{}</p>\n", html_escape(name),
                   html_escape(study_value(run, "description")));
  h += fmt::format("<p class=\"meta\">{}</p>\n", html_escape(context_line(run.meta)));
  h += fmt::format("<div class=\"stats\"><div class=\"stat\"><b>{}</b>ok solves</div><div class=\"stat\"><b>{}</b>"
                   "failed</div><div class=\"stat\"><b>{}</b>not run</div><div class=\"stat\"><b>{}</b>status</div>"
                   "</div>\n",
                   ok, failed, skipped, html_escape(meta_text(run.meta.value("status", json(nullptr)))));
  h += "<div>Rerun a point (click one; the command is also copied):</div><pre id=\"repro\">(click a point)</pre>\n";
  for (const auto& f : figs) {
    h += fmt::format("<h2>{}</h2>\n<p class=\"caption\">{}</p>\n<div class=\"figure\" id=\"fig-{}\"></div>\n",
                     html_escape(f.title), html_escape(f.caption), f.name);
    if (f.name == "forward_error") {
      h += "<h2>Slope and the κ where the last digit goes</h2>\n" + slope_table_html(groups);
      h += fmt::format("<p class=\"rule\">{}</p>\n", kSlopeRule);
      h += ir_table_html(ir_regions(run)) + ls_table_html(ls_steps(run));  // refinement (ir_table.hpp)
    }
  }
  h += "<h2>Correct digits per κ range</h2>\n";
  for (const auto& t : digits_tables(run.rows)) h += digits_table_html(t);
  h += fmt::format("<p class=\"rule\">{}</p>\n", kDigitsRule);
  h += guide_html(solver_guide(run.rows));
  h += not_run_html(run);
  h += "<h2>Run context</h2>\n" + context_table_html(run);
  h += fmt::format("<p class=\"rule\">Figures also in figures/*.svg; tables in summary.md. Generated by "
                   "<code>condbench report</code> from {} rows of results.csv.</p>\n",
                   run.rows.size());
  h += "<script type=\"application/json\" id=\"rows\">" + json_for_script(rows_dataset(run)) + "</script>\n";
  h += "<script type=\"application/json\" id=\"figures\">" + json_for_script(figures) + "</script>\n";
  h += fmt::format("<script>{}</script>\n</body></html>\n", kScript);
  return h;
}

ReportFiles write_report(const std::string& run_dir, const WebAssets& assets) {
  RunData run = load_run(run_dir);
  require_errors(run, "report: its accuracy figures need forward errors");
  if (run.rows.empty()) throw InputError(run_dir + "/results.csv", "no rows: nothing to report");
  ReportFiles out;
  fs::path dir(run_dir);
  fs::path fig_dir = dir / "figures";
  json rows = rows_dataset(run);
  json to_render = json::array();
  for (const auto& f : report_figures(run)) {
    to_render.push_back({{"name", f.name}, {"spec", with_rows(f.spec, rows)}});
    out.figures.push_back((fig_dir / (f.name + ".svg")).string());
  }
  render_svg_figures(assets, to_render, fig_dir);

  out.summary = (dir / "summary.md").string();
  std::ofstream(out.summary) << summary_markdown(run);
  out.html = (dir / "report.html").string();
  std::string tmp = out.html + ".tmp";
  {
    std::ofstream f(tmp);
    f << report_html(run, assets);
    if (!f) throw InputError(tmp, "cannot write the report");
  }
  fs::rename(tmp, out.html);
  return out;
}

}  // namespace condbench::report
