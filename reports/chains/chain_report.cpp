#include "reports/chains/chain_report.hpp"

#include "reports/chains/chain_figures.hpp"
#include "reports/chains/chain_tables.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace condbench::chains {
namespace fs = std::filesystem;
using json = nlohmann::json;
namespace {

std::string meta_text(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string study_value(const ChainRunData& run, const char* key) {
  return run.meta.contains("study") ? meta_text(run.meta["study"].value(key, json(nullptr))) : "-";
}

std::string rows_line(const ChainRunData& run) {
  int ok = 0, failed = 0, skipped = 0;
  for (const auto& r : run.rows) (r.status == "ok" ? ok : r.status == "failed" ? failed : skipped)++;
  return fmt::format("{} ok, {} failed, {} skipped", ok, failed, skipped);
}

const char* const kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#222}
h1{font-size:22px;margin:8px 0 2px} h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:3px}
.sub{color:#555;margin:0 0 8px} .meta{color:#444;font-size:13px} .caption{color:#444;font-size:13px;max-width:980px}
table{border-collapse:collapse;font-size:12px;margin:6px 0} th,td{border:1px solid #ddd;padding:2px 6px;text-align:left}
th{background:#f6f6f6} .rule{color:#555;font-size:12.5px;max-width:980px} .figure{margin:6px 0 18px}
)";

const char* const kScript = R"(
const FIGURES = JSON.parse(document.getElementById('figures').textContent);
window.condbenchReady = Promise.all(FIGURES.map(f =>
  vegaEmbed('#fig-' + f.name, f.spec, {renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}})
    .then(() => f.name)));
)";

}  // namespace

ChainRunData load_chain_run(const std::string& dir) {
  const fs::path d(dir);
  if (!fs::is_directory(d)) throw InputError(dir, "no such run folder");
  const fs::path meta = d / "run.json", csv = d / "results.csv";
  if (!fs::exists(meta)) throw InputError(dir, "not a run folder: run.json is missing (was it made by condbench run?)");
  if (!fs::exists(csv)) throw InputError(dir, "not a run folder: results.csv is missing");
  ChainRunData r;
  r.dir = dir;
  try {
    std::ifstream in(meta);
    r.meta = nlohmann::ordered_json::parse(in);
  } catch (const json::exception& e) {
    throw InputError(meta.string(), std::string("half-written or corrupt JSON: ") + e.what());
  }
  const json version = r.meta.value("format_version", json(nullptr));
  if (!version.is_number_integer() || version.get<int>() < 1 || version.get<int>() > kChainResultsFormatVersion)
    throw InputError(meta.string(), fmt::format("chain results of format {} (this condbench reads format {})",
                                                version.dump(), kChainResultsFormatVersion));
  std::ifstream in(csv);
  std::stringstream ss;
  ss << in.rdbuf();
  r.rows = parse_chain_results(ss.str(), csv.string());
  return r;
}

std::string chain_summary_markdown(const ChainRunData& run) {
  std::string md = fmt::format("# condbench report: {} (layer chains)\n\n{}\n\n", study_value(run, "name"),
                               study_value(run, "description"));
  md += fmt::format("- run: `{}` ({}), {} → {}\n", meta_text(run.meta.value("command", json(nullptr))),
                    meta_text(run.meta.value("status", json(nullptr))),
                    meta_text(run.meta.value("start_time", json(nullptr))),
                    meta_text(run.meta.value("end_time", json(nullptr))));
  md += fmt::format("- rows: {}\n", rows_line(run));
  md += fmt::format("- machine: {}\n\n", report::context_line(run.meta));
  for (const Table& t : chain_tables(run)) md += table_markdown(t);
  return md;
}

std::string chain_report_html(const ChainRunData& run, const report::WebAssets& assets) {
  using report::html_escape;
  const std::vector<report::Figure> figs = chain_figures(run);
  json figures = json::array();
  for (const auto& f : figs) figures.push_back({{"name", f.name}, {"spec", f.spec}});
  const std::string name = study_value(run, "name");
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += fmt::format("<title>condbench: {}</title>\n<style>{}</style>\n", html_escape(name), kStyle);
  h += report::vega_scripts(assets);
  h += "</head><body>\n";
  h += fmt::format("<h1>condbench · {} (layer chains)</h1>\n<p class=\"sub\">{}</p>\n", html_escape(name),
                   html_escape(study_value(run, "description")));
  h += fmt::format("<p class=\"meta\">{} · rows: {} · status {}</p>\n", html_escape(report::context_line(run.meta)),
                   html_escape(rows_line(run)), html_escape(meta_text(run.meta.value("status", json(nullptr)))));
  for (const auto& f : figs)
    h += fmt::format("<h2>{}</h2>\n<p class=\"caption\">{}</p>\n<div class=\"figure\" id=\"fig-{}\"></div>\n",
                     html_escape(f.title), html_escape(f.caption), f.name);
  for (const Table& t : chain_tables(run)) h += table_html(t);
  h += fmt::format(
      "<p class=\"rule\">Command: <code>{}</code>. Figures also in figures/*.svg; tables in summary.md; "
      "{} rows of results.csv.</p>\n",
      html_escape(meta_text(run.meta.value("command", json(nullptr)))), run.rows.size());
  h += "<script type=\"application/json\" id=\"figures\">" + report::json_for_script(figures) + "</script>\n";
  h += fmt::format("<script>{}</script>\n</body></html>\n", kScript);
  return h;
}

report::ReportFiles write_chain_report(const std::string& run_dir, const report::WebAssets& assets) {
  ChainRunData run = load_chain_run(run_dir);
  if (run.rows.empty()) throw InputError(run_dir + "/results.csv", "no rows: nothing to report");
  report::ReportFiles out;
  const fs::path dir(run_dir), fig_dir = dir / "figures";
  json to_render = json::array();
  for (const auto& f : chain_figures(run)) {
    to_render.push_back({{"name", f.name}, {"spec", f.spec}});
    out.figures.push_back((fig_dir / (f.name + ".svg")).string());
  }
  report::render_svg_figures(assets, to_render, fig_dir);
  out.summary = (dir / "summary.md").string();
  std::ofstream(out.summary) << chain_summary_markdown(run);
  out.html = (dir / "report.html").string();
  const std::string tmp = out.html + ".tmp";
  {
    std::ofstream f(tmp);
    f << chain_report_html(run, assets);
    if (!f) throw InputError(tmp, "cannot write the report");
  }
  fs::rename(tmp, out.html);
  return out;
}

}  // namespace condbench::chains
