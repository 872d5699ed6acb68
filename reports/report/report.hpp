// condbench report RUN_DIR: RUN_DIR/report.html (self-contained, opens offline),
// RUN_DIR/figures/*.svg (one file per figure) and RUN_DIR/summary.md (the tables).
#pragma once

#include "reports/common/run_data.hpp"
#include "reports/report/assets.hpp"

#include <string>
#include <vector>

namespace condbench::report {

struct ReportFiles {
  std::string html, summary;
  std::vector<std::string> figures;
};

// Reads the run folder (load_run: InputError on a missing, half-written or older
// run) and writes the three outputs into it.
ReportFiles write_report(const std::string& run_dir, const WebAssets& assets);

// The Markdown tables (summary.md): context, slopes and kappa of lost digits, digits per kappa range.
std::string summary_markdown(const RunData& run);

// The whole page; `figures_json` holds [{name, title, caption, spec}].
std::string report_html(const RunData& run, const WebAssets& assets);

// Small helpers shared with compare.
std::string html_escape(const std::string& s);
std::string json_for_script(const nlohmann::json& j);  // safe inside <script>
std::string context_line(const nlohmann::ordered_json& meta);  // "host · cpu · blas ... · commit"
std::string vega_scripts(const WebAssets& assets);  // the three libraries, inlined
std::string format_kappa(double k);  // "1.2e8"

}  // namespace condbench::report
